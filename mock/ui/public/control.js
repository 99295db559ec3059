// Control: the mock clock, reset, stub mappings (from templates), and the hosted flow's
// configuration with a link to its page for a chosen customer.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { admin, vendor } from './api.js';
import { ErrorNote, useLoad, utc } from './ui.js';

/** Stub mappings people reach for, as WireMock mappings (POST /__admin/mappings). */
export const TEMPLATES = [
  {
    name: 'ChurnCut 429 on POST /v1/cancellation-flows',
    mapping: {
      request: { method: 'POST', urlPath: '/v1/cancellation-flows' },
      response: { status: 429 },
    },
  },
  {
    name: 'Churnkey 503 on GET /v1/data/sessions',
    mapping: {
      request: { method: 'GET', urlPath: '/v1/data/sessions' },
      response: { status: 503 },
    },
  },
  {
    name: 'Rebilly 500 on the cancellation report',
    mapping: {
      request: {
        method: 'GET',
        urlPathPattern: '/(experimental/)?reports/subscription-cancellation',
      },
      response: { status: 500 },
    },
  },
  {
    name: 'ChurnCut customers 2 s late (the mock’s own answer)',
    mapping: {
      request: { method: 'GET', urlPathPattern: '/v1/customers.*' },
      response: { fromMock: true, fixedDelayMilliseconds: 2000 },
    },
  },
  {
    name: 'Connection reset on GET /v1/data/session-aggregation',
    mapping: {
      request: { method: 'GET', urlPath: '/v1/data/session-aggregation' },
      response: { fault: 'CONNECTION_RESET_BY_PEER' },
    },
  },
];

const withName = (t) => JSON.stringify({ name: t.name, ...t.mapping }, null, 2);

function Clock({ onError }) {
  const clock = useLoad(() => admin('/__admin/clock'), []);
  const [advance, setAdvance] = useState('P1D');
  const [at, setAt] = useState('');
  const change = async (body) => {
    try {
      await admin('/__admin/clock', { method: 'POST', body });
      clock.reload();
    } catch (e) {
      onError(e);
    }
  };
  return html`<section class="card" aria-labelledby="clock-head">
    <h2 id="clock-head">Mock clock</h2>
    <p class="big" data-clock=${clock.data?.now ?? ''}>Now: <strong>${clock.data ? utc(clock.data.now) : '…'}</strong></p>
    <form class="inline" onSubmit=${(e) => {
      e.preventDefault();
      change({ advance });
    }}>
      <label for="clock-advance">Advance by (ISO 8601 duration)</label>
      <input id="clock-advance" value=${advance} pattern="P.*" onInput=${(e) => setAdvance(e.currentTarget.value)} />
      <button type="submit">Advance</button>
    </form>
    <p class="quick">
      ${['PT1H', 'P1D', 'P7D', 'P1M'].map(
        (d) =>
          html`<button type="button" class="secondary" onClick=${() => change({ advance: d })}>+${d.replace(/^PT?/, '')}</button> `,
      )}
    </p>
    <form class="inline" onSubmit=${(e) => {
      e.preventDefault();
      change({ now: new Date(`${at}Z`).toISOString() });
    }}>
      <label for="clock-set">Set to (UTC)</label>
      <input id="clock-set" type="datetime-local" step="1" required value=${at} onInput=${(e) => setAt(e.currentTarget.value)} />
      <button type="submit">Set</button>
    </form>
  </section>`;
}

function Reset({ onError, onDone }) {
  const [drop, setDrop] = useState(false);
  const [said, setSaid] = useState('');
  const reset = async () => {
    try {
      const r = await admin('/__admin/reset', {
        method: 'POST',
        query: drop ? { webhookTargets: 'drop' } : {},
      });
      setSaid(`Reset to the seed; the clock is at ${utc(r.now)}.`);
      onDone();
    } catch (e) {
      onError(e);
    }
  };
  return html`<section class="card" aria-labelledby="reset-head">
    <h2 id="reset-head">Reset</h2>
    <p>Every vendor's seeded state, the clock, the journal, stub mappings and webhook deliveries go back to the start.</p>
    <p><input id="reset-drop" type="checkbox" checked=${drop} onChange=${(e) => setDrop(e.currentTarget.checked)} />
      <label for="reset-drop">Also drop the webhook targets added since start</label></p>
    <button type="button" class="danger" onClick=${reset}>Reset to the seed</button>
    <p role="status" class="ok">${said}</p>
  </section>`;
}

function Mappings({ onError, version }) {
  const list = useLoad(() => admin('/__admin/mappings'), [version]);
  const [template, setTemplate] = useState(0);
  const [text, setText] = useState(withName(TEMPLATES[0]));
  const pick = (e) => {
    const i = Number(e.currentTarget.value);
    setTemplate(i);
    setText(withName(TEMPLATES[i]));
  };
  const add = async (e) => {
    e.preventDefault();
    let body;
    try {
      body = JSON.parse(text);
    } catch (err) {
      onError(new Error(`The mapping is not JSON: ${err.message}`));
      return;
    }
    try {
      await admin('/__admin/mappings', { method: 'POST', body });
      list.reload();
    } catch (err) {
      onError(err);
    }
  };
  const remove = async (id) => {
    try {
      await admin(`/__admin/mappings/${encodeURIComponent(id)}`, { method: 'DELETE' });
      list.reload();
    } catch (err) {
      onError(err);
    }
  };
  const mappings = list.data?.mappings ?? [];
  return html`<section class="card wide" aria-labelledby="stubs-head">
    <h2 id="stubs-head">Stub mappings</h2>
    <p class="note">A matching mapping answers instead of the mock (WireMock's format).</p>
    ${mappings.length === 0 ? html`<p class="empty">No stub mappings.</p>` : null}
    <ul class="mappings">
      ${mappings.map(
        (m) => html`<li data-mapping=${m.id}>
          <p><strong>${m.name ?? m.id}</strong> <code>${m.request.method ?? 'ANY'} ${m.request.urlPath ?? m.request.urlPathPattern ?? m.request.url ?? m.request.urlPattern ?? '(any URL)'}</code>
            → <code>${m.response.fault ?? m.response.status ?? (m.response.fromMock ? 'the mock' : '')}</code>
            <button type="button" class="secondary" onClick=${() => remove(m.id)} aria-label=${`Delete ${m.name ?? m.id}`}>Delete</button></p>
        </li>`,
      )}
    </ul>
    <form onSubmit=${add} class="stack">
      <div class="field"><label for="stub-template">Template</label>
        <select id="stub-template" value=${template} onChange=${pick}>
          ${TEMPLATES.map((t, i) => html`<option value=${i}>${t.name}</option>`)}
        </select></div>
      <div class="field"><label for="stub-json">Mapping (JSON, editable)</label>
        <textarea id="stub-json" rows="9" spellcheck="false" value=${text} onInput=${(e) => setText(e.currentTarget.value)}></textarea></div>
      <button type="submit">Add the mapping</button>
    </form>
  </section>`;
}

function HostedFlow({ onError, version }) {
  const config = useLoad(() => admin('/__admin/churnkey/flow'), [version]);
  const customers = useLoad(async () => {
    const { apis } = await admin('/__admin/apis');
    const cc = apis.find((a) => a.id === 'churncut');
    return (await vendor(cc, '/v1/customers', { limit: 5, status: 'active' })).data.customers.map(
      (c) => c.id,
    );
  }, []);
  const [customer, setCustomer] = useState('');
  const [link, setLink] = useState(null);
  const chosen = customer || customers.data?.[0] || '';
  const make = async (e) => {
    e.preventDefault();
    try {
      setLink(await admin('/__admin/churnkey/flow-url', { query: { customerId: chosen } }));
    } catch (err) {
      onError(err);
    }
  };
  const c = config.data;
  return html`<section class="card" aria-labelledby="hosted-head">
    <h2 id="hosted-head">Churnkey hosted flow</h2>
    ${
      c
        ? html`<dl class="facts">
          <dt>Customer Data Endpoint</dt><dd>${c.customerDataUrl ? html`<code class="url">${c.customerDataUrl}</code>` : 'none (sessions run without customer attributes)'}</dd>
          <dt>API key</dt><dd><code>${c.apiKey}</code></dd>
          <dt>Endpoint timeout</dt><dd>${c.timeoutMs} ms</dd>
          <dt>Cancel Flow</dt><dd>${c.flow.name ?? 'custom'} (${c.flow.mode ?? 'LIVE'}, ${c.flow.steps?.length ?? 0} steps)</dd>
        </dl>`
        : null
    }
    <form class="inline" onSubmit=${make}>
      <label for="hosted-customer">Customer id</label>
      <input id="hosted-customer" list="hosted-customers" value=${chosen} required onInput=${(e) => setCustomer(e.currentTarget.value)} />
      <datalist id="hosted-customers">${(customers.data ?? []).map((id) => html`<option value=${id}></option>`)}</datalist>
      <button type="submit">Make the link</button>
    </form>
    ${
      link
        ? html`<p class="ok"><a href=${link.url} target="_blank" rel="noopener" data-hosted-link>Open the hosted page for ${link.customerId}</a></p>`
        : null
    }
  </section>`;
}

export function ControlPage() {
  const [error, setError] = useState(null);
  const [version, setVersion] = useState(0);
  return html`<h1>Control</h1>
    <${ErrorNote} error=${error} />
    <div class="grid">
      <${Clock} key=${`clock-${version}`} onError=${setError} />
      <${Reset} onError=${setError} onDone=${() => {
        setError(null);
        setVersion(version + 1);
      }} />
      <${HostedFlow} onError=${setError} version=${version} />
    </div>
    <${Mappings} onError=${setError} version=${version} />`;
}
