// Requests: the live request journal (GET /__admin/requests, polled), newest first, the
// dashboard's own calls left out (they carry X-Churnmock-Dashboard).
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { admin, DASHBOARD_HEADER } from './api.js';
import { ErrorNote, usePoll, utc } from './ui.js';

const fromDashboard = (e) =>
  Object.keys(e.request.headers ?? {}).some(
    (h) => h.toLowerCase() === DASHBOARD_HEADER.toLowerCase(),
  );

/** `404`, `4xx` or `4` match 404; empty matches all. */
function statusMatches(status, wanted) {
  const w = wanted.trim().toLowerCase().replace(/x+$/, '');
  return w === '' || String(status).startsWith(w);
}

const statusClass = (s) => (s >= 500 ? 's5' : s >= 400 ? 's4' : s >= 300 ? 's3' : 's2');

function Entry({ e, stubs }) {
  const r = e.request;
  const c = r.churnmock ?? {};
  return html`<li class="entry" data-request=${e.id}>
    <details>
      <summary>
        <span class=${`status ${statusClass(e.response.status)}`}>${e.response.status}</span>
        <span class="method">${r.method}</span>
        <code class="path">${r.url}</code>
        <span class="vendor">${c.vendor ?? 'no API'}</span>
        <time datetime=${r.loggedDateString}>${r.loggedDateString.slice(11, 23)}</time>
      </summary>
      <dl class="facts">
        <dt>Operation</dt><dd>${c.operation ?? (c.stub ? 'none (a stub answered)' : c.matched ? 'a page' : 'none (no route)')}</dd>
        <dt>Response status</dt><dd>${e.response.status}</dd>
        <dt>Stub</dt><dd>${c.stub ? (stubs.get(c.stub) ? `${stubs.get(c.stub)} (${c.stub})` : c.stub) : 'none (the mock answered)'}</dd>
        <dt>Fault</dt><dd>${c.fault ?? e.response.fault ?? 'none'}</dd>
        <dt>Logged</dt><dd>${utc(r.loggedDateString)} (mock clock ${utc(c.mockTime)})</dd>
        <dt>Time taken</dt><dd>${e.timing?.totalTime ?? '—'} ms</dd>
      </dl>
      <h3>Request headers</h3>
      <div class="scroll"><table class="headers"><tbody>
        ${Object.entries(r.headers ?? {}).map(([k, v]) => html`<tr><th scope="row">${k}</th><td><code>${String(v)}</code></td></tr>`)}
      </tbody></table></div>
      <h3>Request body${c.bodyTruncated ? ' (cut at 64 KB)' : ''}</h3>
      ${r.body ? html`<pre tabindex="0"><code>${r.body}</code></pre>` : html`<p class="empty">No body.</p>`}
      <h3>Response headers</h3>
      <div class="scroll"><table class="headers"><tbody>
        ${Object.entries(e.response.headers ?? {}).map(([k, v]) => html`<tr><th scope="row">${k}</th><td><code>${String(v)}</code></td></tr>`)}
      </tbody></table></div>
    </details>
  </li>`;
}

export function RequestsPage() {
  const [journal, setJournal] = useState(null);
  const [stubs, setStubs] = useState(new Map());
  const [error, setError] = useState(null);
  const [f, setF] = useState({ vendor: '', status: '', path: '' });
  usePoll(async () => {
    try {
      const [j, m] = await Promise.all([
        admin('/__admin/requests', { query: { limit: 500 } }),
        admin('/__admin/mappings'),
      ]);
      setJournal(j);
      // Stub names by id: the journal names the mapping that answered by its id.
      setStubs(new Map(m.mappings.map((x) => [x.id, x.name ?? ''])));
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, 500);
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.value });
  const all = (journal?.requests ?? []).filter((e) => !fromDashboard(e));
  const vendors = [...new Set(all.map((e) => e.request.churnmock?.vendor ?? 'no API'))].sort();
  const shown = all.filter(
    (e) =>
      (f.vendor === '' || (e.request.churnmock?.vendor ?? 'no API') === f.vendor) &&
      statusMatches(e.response.status, f.status) &&
      (f.path === '' || e.request.url.includes(f.path)),
  );
  const clear = async () => {
    try {
      await admin('/__admin/requests', { method: 'DELETE' });
    } catch (e) {
      setError(e);
    }
  };
  return html`<h1>Requests</h1>
    <p class="lead">Every request the vendor APIs received, newest first, updating live (the dashboard's own calls are left out).</p>
    <form class="filters card" onSubmit=${(e) => e.preventDefault()} aria-label="Request filters">
      <div class="field"><label for="r-vendor">Vendor</label>
        <select id="r-vendor" value=${f.vendor} onChange=${set('vendor')}>
          <option value="">Any</option>
          ${vendors.map((v) => html`<option value=${v}>${v}</option>`)}
        </select></div>
      <div class="field"><label for="r-status">Status</label>
        <input id="r-status" inputmode="numeric" placeholder="200, 4xx" value=${f.status} onInput=${set('status')} /></div>
      <div class="field"><label for="r-path">Path contains</label>
        <input id="r-path" placeholder="/v1/customers" value=${f.path} onInput=${set('path')} /></div>
      <button type="button" class="secondary" onClick=${clear}>Clear the journal</button>
    </form>
    <${ErrorNote} error=${error} />
    ${journal?.requestJournalDisabled ? html`<p class="note">The journal is off (<code>--no-journal</code>).</p>` : null}
    <p class="count" role="status" aria-live="polite">${journal ? `${shown.length} of ${all.length} requests` : 'Loading…'}</p>
    <ol class="journal" reversed>
      ${shown.map((e) => html`<${Entry} e=${e} stubs=${stubs} key=${e.id} />`)}
    </ol>`;
}
