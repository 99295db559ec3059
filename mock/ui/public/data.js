// Data: charts of the seeded world, each from the vendor endpoint that answers the same
// question (so the chart and the API agree). The filters go to those endpoints as their own
// parameters; a chart's note says which filters its endpoint takes.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { admin, vendor } from './api.js';
import { Chart } from './chart.js';
import { ErrorNote, useLoad } from './ui.js';

const DAY = 86_400_000;
const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);
const withQuery = (path, query) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, v);
  return `${path}?${q}`;
};
const NO_SAVE = 'none (canceled)';
const NO_RESPONSE = 'no response';

/** Rows {count, month, <key>} as {x: months, series: one per value of key}. */
function byMonth(rows, key, nullLabel) {
  const months = [...new Set(rows.map((r) => r.month))].sort();
  const names = [...new Set(rows.map((r) => r[key] ?? nullLabel))];
  const series = names.map((name) => ({
    label: name,
    values: months.map((m) =>
      rows
        .filter((r) => r.month === m && (r[key] ?? nullLabel) === name)
        .reduce((a, r) => a + r.count, 0),
    ),
  }));
  return { x: months, series };
}

function saveRate(rows) {
  const months = [...new Set(rows.map((r) => r.month))].sort();
  const values = months.map((m) => {
    const all = rows.filter((r) => r.month === m).reduce((a, r) => a + r.count, 0);
    const saved = rows
      .filter((r) => r.month === m && r.canceled === false)
      .reduce((a, r) => a + r.count, 0);
    return all ? Math.round((1000 * saved) / all) / 10 : 0;
  });
  return { x: months, series: [{ label: 'Save rate (%)', values }] };
}

const days = (seconds) => Number((seconds / 86_400).toFixed(1));

/** The charts' requests for the filters, each an endpoint path with its own parameters. */
function requestsFor(f) {
  const endExclusive = isoDay(Date.parse(f.to) + DAY);
  const ck = {
    startDate: f.from,
    endDate: endExclusive,
    billingInterval: f.interval,
    planId: f.plan,
  };
  return {
    saveTypes: withQuery('/v1/data/session-aggregation', { breakdown: 'month-saveType', ...ck }),
    survey: withQuery('/v1/data/session-aggregation', { breakdown: 'surveyResponse', ...ck }),
    saveRate: withQuery('/v1/data/session-aggregation', { breakdown: 'month-canceled', ...ck }),
    churn: withQuery('/v1/analytics/churn', {
      start_date: f.from,
      end_date: f.to,
      granularity: 'month',
    }),
    retention: withQuery('/v1/analytics/retention', { start_date: f.from, end_date: f.to }),
    cancellations: withQuery('/reports/subscription-cancellation', {
      periodStart: `${f.from}T00:00:00Z`,
      periodEnd: `${f.to}T23:59:59Z`,
      aggregationField: 'cancelCategory',
      limit: '1000',
      filter: f.plan ? `planId:${f.plan}` : '',
    }),
  };
}

async function loadCharts(apis, f) {
  const api = (id) => apis.find((a) => a.id === id);
  const ck = api('churnkey-data');
  const cc = api('churncut');
  const rb = api('rebilly-reports');
  const r = requestsFor(f);
  const get = (a, path) => vendor(a, path);
  const [saveTypes, survey, rate, churn, retention, cancellations] = await Promise.all([
    get(ck, r.saveTypes),
    get(ck, r.survey),
    get(ck, r.saveRate),
    get(cc, r.churn),
    get(cc, r.retention),
    get(rb, r.cancellations),
  ]);
  const rows = cancellations.data;
  const label = (v) => v ?? 'none';
  return {
    r,
    saveTypes: byMonth(saveTypes, 'saveType', NO_SAVE),
    survey: {
      x: survey.map((s) => s.surveyResponse ?? NO_RESPONSE),
      series: [{ label: 'Sessions', values: survey.map((s) => s.count) }],
    },
    saveRate: saveRate(rate),
    churn: {
      x: churn.data.by_period.map((p) => p.date.slice(0, 7)),
      series: [
        { label: 'Churned subscriptions', values: churn.data.by_period.map((p) => p.churned) },
      ],
      summary: churn.data.summary,
    },
    retention: {
      x: retention.data.by_offer_type.map((o) => o.type),
      series: [
        { label: 'Attempts', values: retention.data.by_offer_type.map((o) => o.attempts) },
        { label: 'Retained', values: retention.data.by_offer_type.map((o) => o.retained) },
      ],
      summary: retention.data.summary,
    },
    cancellations: {
      x: rows.map((g) => label(g.aggregationValue)),
      series: [{ label: 'Cancellations', values: rows.map((g) => g.count) }],
    },
    lengths: {
      x: rows.map((g) => label(g.aggregationValue)),
      series: [
        { label: 'Average length (days)', values: rows.map((g) => days(g.averageLength)) },
        { label: 'Median length (days)', values: rows.map((g) => days(g.medianLength)) },
      ],
    },
  };
}

function Filters({ value, plans, onChange }) {
  const [draft, setDraft] = useState(value);
  const set = (k) => (e) => setDraft({ ...draft, [k]: e.currentTarget.value });
  const submit = (e) => {
    e.preventDefault();
    onChange(draft);
  };
  return html`<form class="filters card" onSubmit=${submit} aria-label="Chart filters">
    <div class="field"><label for="f-from">From</label>
      <input id="f-from" name="from" type="date" value=${draft.from} max=${draft.to} onInput=${set('from')} required /></div>
    <div class="field"><label for="f-to">To (inclusive)</label>
      <input id="f-to" name="to" type="date" value=${draft.to} min=${draft.from} onInput=${set('to')} required /></div>
    <div class="field"><label for="f-interval">Billing interval</label>
      <select id="f-interval" name="interval" value=${draft.interval} onChange=${set('interval')}>
        <option value="">Any</option><option value="WEEK">Week</option><option value="MONTH">Month</option><option value="YEAR">Year</option>
      </select></div>
    <div class="field"><label for="f-plan">Plan</label>
      <select id="f-plan" name="plan" value=${draft.plan} onChange=${set('plan')}>
        <option value="">Any</option>
        ${plans.map((p) => html`<option value=${p}>${p}</option>`)}
      </select></div>
    <button type="submit">Apply</button>
  </form>`;
}

const pct = (v) => `${v}%`;

function Charts({ apis, filters }) {
  const charts = useLoad(() => loadCharts(apis, filters), [JSON.stringify(filters)]);
  if (charts.error) return html`<${ErrorNote} error=${charts.error} />`;
  const c = charts.data;
  if (!c) return html`<p class="loading" role="status">Loading the charts…</p>`;
  const ckNote = 'Churnkey Data API; filters: dates, billing interval, plan.';
  return html`<div class="charts" aria-busy=${charts.loading ? 'true' : 'false'}>
    <section aria-labelledby="ck-head"><h2 id="ck-head">Churnkey cancel-flow sessions</h2>
      <div class="grid">
        <${Chart} id="ck-save-types" title="Sessions per month by save type" kind="stacked" yLabel="sessions"
          note=${html`${ckNote} <code class="source">${c.r.saveTypes}</code>`} source=${c.r.saveTypes} ...${c.saveTypes} />
        <${Chart} id="ck-survey" title="Survey responses" yLabel="sessions"
          source=${c.r.survey} note=${html`${ckNote} <code class="source">${c.r.survey}</code>`} ...${c.survey} />
        <${Chart} id="ck-save-rate" title="Save rate per month" kind="line" yLabel="% not canceled" format=${pct}
          note=${html`Sessions that did not end in a cancel, of all sessions. ${ckNote} <code class="source">${c.r.saveRate}</code>`} source=${c.r.saveRate} ...${c.saveRate} />
      </div>
    </section>
    <section aria-labelledby="cc-head"><h2 id="cc-head">ChurnCut analytics</h2>
      <p class="summary-line">Churn rate <strong>${c.churn.summary.churn_rate}%</strong> of ${c.churn.summary.total_customers} customers ·
        retention rate <strong>${c.retention.summary.retention_rate}%</strong> of ${c.retention.summary.cancellation_attempts} cancellation attempts</p>
      <div class="grid">
        <${Chart} id="cc-churn" title="Churned subscriptions per month" yLabel="subscriptions"
          note=${html`ChurnCut API; filters: dates. <code class="source">${c.r.churn}</code>`} source=${c.r.churn} x=${c.churn.x} series=${c.churn.series} />
        <${Chart} id="cc-retention" title="Retention by offer type" kind="grouped" yLabel="flows"
          note=${html`ChurnCut API; filters: dates. <code class="source">${c.r.retention}</code>`} source=${c.r.retention} x=${c.retention.x} series=${c.retention.series} />
      </div>
    </section>
    <section aria-labelledby="rb-head"><h2 id="rb-head">Rebilly subscription cancellations</h2>
      <div class="grid">
        <${Chart} id="rb-cancellations" title="Cancellations by category" yLabel="subscriptions"
          note=${html`Rebilly report by <code>cancelCategory</code>; filters: dates, plan. <code class="source">${c.r.cancellations}</code>`} source=${c.r.cancellations} ...${c.cancellations} />
        <${Chart} id="rb-lengths" title="Subscription length before cancelling, by category" kind="grouped" yLabel="days"
          note=${html`Average and median, in days (the report gives seconds). Filters: dates, plan.`} source=${c.r.cancellations} ...${c.lengths} />
      </div>
    </section>
  </div>`;
}

export function DataPage() {
  const setup = useLoad(async () => {
    const [{ apis }, clock] = await Promise.all([admin('/__admin/apis'), admin('/__admin/clock')]);
    const ck = apis.find((a) => a.id === 'churnkey-data');
    const plans = (await vendor(ck, '/v1/data/session-aggregation?breakdown=planId'))
      .map((r) => r.planId)
      .filter(Boolean);
    const now = Date.parse(clock.now);
    const d = new Date(now);
    const from = isoDay(Date.UTC(d.getUTCFullYear() - 1, d.getUTCMonth() + 1, 1));
    return { apis, plans, initial: { from, to: isoDay(now), interval: '', plan: '' } };
  }, []);
  const [filters, setFilters] = useState(null);
  const s = setup.data;
  return html`<h1>Data</h1>
    <p class="lead">Charts of the seeded data, each computed by the mock's own endpoint (the request is under each chart).</p>
    <${ErrorNote} error=${setup.error} />
    ${
      s
        ? html`<${Filters} value=${filters ?? s.initial} plans=${s.plans} onChange=${setFilters} />
          <${Charts} apis=${s.apis} filters=${filters ?? s.initial} />`
        : null
    }`;
}
