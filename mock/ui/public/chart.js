// One chart: uPlot draws it; the figure carries its data (`data-series`, the numbers the
// mock's endpoint answered) and a table of the same numbers for screen readers and copying.
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

/** Colours distinguishable with the common colour-vision deficiencies (Okabe–Ito, darkened). */
export const PALETTE = [
  '#0072b2',
  '#d55e00',
  '#009e73',
  '#cc79a7',
  '#e69f00',
  '#56b4e9',
  '#6b6b00',
  '#7f3c8d',
  '#444444',
  '#b22222',
];

const bars = uPlot.paths.bars;

/**
 * The uPlot options and data for `kind`: `stacked` bars (each series on the ones before it),
 * `grouped` bars (side by side), or `line`. `x` are category labels, `series` {label, values}.
 */
function plotOf({ x, series, kind, yLabel, format }, width) {
  const idx = x.map((_, i) => i);
  const n = series.length;
  let values = series.map((s) => s.values);
  if (kind === 'stacked') {
    // Running totals, drawn tallest first so each series shows above the ones under it.
    const sums = [];
    let acc = x.map(() => 0);
    for (const s of series) {
      acc = acc.map((a, i) => a + (s.values[i] ?? 0));
      sums.push(acc);
    }
    values = sums;
  }
  const order = kind === 'stacked' ? [...series.keys()].reverse() : [...series.keys()];
  const fmt = format ?? ((v) => String(v));
  // Categories (not months): every one labelled, tilted, and cut short on the axis (the
  // table under the chart has them whole).
  const categories = !x.every((v) => /^\d{4}-\d{2}$/.test(v));
  const short = (v) => (v.length > 16 ? `${v.slice(0, 15)}…` : v);
  const longest = Math.max(0, ...x.map((v) => short(v).length));
  const opts = {
    width,
    height: 260,
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: false, range: [-0.5, x.length - 0.5] },
      y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1] },
    },
    axes: [
      {
        // Tilted labels need about 16 px each: on a narrow chart, every second (third…) one.
        values: (u, ticks) => {
          const room = u.bbox.width / devicePixelRatio / Math.max(1, x.length);
          const every = !categories || room >= 16 ? 1 : Math.ceil(16 / room);
          return ticks.map((t) =>
            Number.isInteger(t) && t % every === 0 ? short(String(x[t] ?? '')) : '',
          );
        },
        ...(categories
          ? { splits: () => idx, rotate: 35, size: Math.min(120, 24 + longest * 5.2) }
          : { size: 40 }),
        gap: 4,
        stroke: '#333',
        grid: { show: false },
      },
      {
        label: yLabel,
        stroke: '#333',
        size: 56,
        values: (_u, ticks) => ticks.map(fmt),
        grid: { stroke: '#e3e3e3' },
      },
    ],
    series: [
      { label: 'x', value: (_u, v) => (v === null || v === undefined ? '' : (x[v] ?? '')) },
      ...order.map((i) => {
        const s = series[i];
        const color = PALETTE[i % PALETTE.length];
        const common = {
          label: s.label,
          stroke: color,
          // The legend shows the series' own value, not the running total.
          value: (_u, _v, _si, at) =>
            at === null || at === undefined ? '' : fmt(s.values[at] ?? 0),
        };
        if (kind === 'line') return { ...common, width: 2, points: { show: true, size: 5 } };
        const grouped = kind === 'grouped' && n > 1;
        return {
          ...common,
          fill: color,
          width: 0,
          // Grouped: each series' bar starts at its own offset in the category (x-scale units).
          paths: grouped
            ? bars({
                disp: {
                  x0: { unit: 1, values: () => idx.map((at) => at - 0.4 + (0.8 / n) * i) },
                  size: { unit: 1, values: () => [0.8 / n] },
                },
              })
            : bars({ size: [0.7, 80] }),
          points: { show: false },
        };
      }),
    ],
  };
  return { opts, data: [idx, ...order.map((i) => values[i])] };
}

/** A captioned chart with its data table; `data-series` holds {x, series} as the endpoint gave. */
export function Chart({ id, title, note, source, x, series, kind = 'bars', yLabel = '', format }) {
  const box = useRef(null);
  useEffect(() => {
    const el = box.current;
    if (!el || x.length === 0) return undefined;
    const width = () => Math.max(200, Math.floor(el.clientWidth));
    const { opts, data } = plotOf({ x, series, kind, yLabel, format }, width());
    const plot = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: 260 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [JSON.stringify({ x, series, kind })]);
  const fmt = format ?? ((v) => String(v));
  return html`<figure class="chart" data-chart=${id} data-source=${source} data-series=${JSON.stringify({ x, series })}>
    <figcaption><h3>${title}</h3>${note ? html`<p class="note">${note}</p>` : null}</figcaption>
    ${
      x.length === 0
        ? html`<p class="empty">No data for these filters.</p>`
        : html`<div class="plot" ref=${box} role="img" aria-label=${`${title} (chart; the table below has the numbers)`}></div>`
    }
    <details>
      <summary>Show the numbers</summary>
      <div class="scroll">
        <table>
          <thead><tr><th scope="col">${''}</th>${series.map((s) => html`<th scope="col">${s.label}</th>`)}</tr></thead>
          <tbody>
            ${x.map(
              (label, i) =>
                html`<tr><th scope="row">${label}</th>${series.map((s) => html`<td>${fmt(s.values[i] ?? 0)}</td>`)}</tr>`,
            )}
          </tbody>
        </table>
      </div>
    </details>
  </figure>`;
}
