// Overview: each vendor API served, its base URL, credentials, a curl per operation, and the
// rendered docs of every contract.
import { html } from 'htm/preact';
import { admin } from './api.js';
import { CopyButton, ErrorNote, useLoad } from './ui.js';

const OTHER_DOCS = [
  {
    id: 'churnkey-customer-data',
    title: 'Churnkey Customer Data Endpoint',
    what: 'your backend serves it; the hosted flow calls it',
  },
  { id: 'churnmock-admin', title: 'churnmock admin API', what: 'everything this dashboard calls' },
];

function Api({ api }) {
  return html`<section class="card api" aria-labelledby=${`api-${api.id}`} data-api=${api.id}>
    <h2 id=${`api-${api.id}`}>${api.title}</h2>
    <dl class="facts">
      <dt>Base URL</dt>
      <dd><code class="url">${api.baseUrl}</code> <${CopyButton} text=${api.baseUrl} label=${`${api.title} base URL`} /></dd>
      <dt>Contract</dt>
      <dd><a href=${`/__admin/ui/docs/${api.id}`}>API docs</a> · <a href=${`/__admin/ui/contracts/${api.contract}`}>${api.contract}</a></dd>
    </dl>
    <h3>Credentials</h3>
    <div class="scroll">
      <table class="credentials">
        <thead><tr><th scope="col">What</th><th scope="col">Value</th><th scope="col">Sent as</th><th scope="col"><span class="sr-only">Copy</span></th></tr></thead>
        <tbody>
          ${api.credentials.map(
            (c) => html`<tr>
              <td>${c.label}</td>
              <td><code>${c.value}</code></td>
              <td>${c.header ? html`<code>${c.header.name}: ${c.header.value}</code>` : '—'}</td>
              <td><${CopyButton} text=${c.value} label=${`${api.title} ${c.label}`} /></td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <h3>Operations</h3>
    <ul class="operations">
      ${api.operations.map(
        (o) => html`<li data-operation=${o.operationId}>
          <p><span class=${`method m-${o.method.toLowerCase()}`}>${o.method}</span> <code>${o.path}</code> ${o.summary ? html`<span class="summary">${o.summary}</span>` : null}</p>
          <div class="curl"><pre tabindex="0" aria-label=${`curl for ${o.operationId}`}><code>${o.curl}</code></pre>
          <${CopyButton} text=${o.curl} label=${`curl for ${o.operationId}`} /></div>
        </li>`,
      )}
    </ul>
  </section>`;
}

export function OverviewPage() {
  const apis = useLoad(() => admin('/__admin/apis'), []);
  const health = useLoad(() => admin('/__admin/health'), []);
  const h = health.data;
  return html`<h1>Overview</h1>
    ${
      h
        ? html`<p class="lead" data-health>Seed <strong>${h.seed}</strong>, data as of <strong>${h.asOf.slice(0, 10)}</strong>, scale <strong>${h.scale}</strong>. Everything below comes from this mock (<code>GET /__admin/apis</code>).</p>`
        : null
    }
    <${ErrorNote} error=${apis.error || health.error} />
    ${apis.data ? apis.data.apis.map((a) => html`<${Api} api=${a} key=${a.id} />`) : null}
    <section class="card" aria-labelledby="other-docs">
      <h2 id="other-docs">Other contracts</h2>
      <ul>
        ${OTHER_DOCS.map(
          (d) =>
            html`<li><a href=${`/__admin/ui/docs/${d.id}`}>${d.title} docs</a> — ${d.what}</li>`,
        )}
      </ul>
    </section>`;
}
