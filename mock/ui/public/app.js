// The dashboard: one page, five views (Overview, Data, Requests, Webhooks, Control), each at
// its own address under /__admin/ui/. Preact + htm, no build step.
import { html } from 'htm/preact';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { adminToken, onTokenNeeded, setAdminToken, takeTokenFromUrl } from './api.js';
import { ControlPage } from './control.js';
import { DataPage } from './data.js';
import { OverviewPage } from './overview.js';
import { RequestsPage } from './requests.js';
import { WebhooksPage } from './webhooks.js';

const BASE = '/__admin/ui/';
const PAGES = [
  { id: 'overview', title: 'Overview', path: '', view: OverviewPage },
  { id: 'data', title: 'Data', path: 'data', view: DataPage },
  { id: 'requests', title: 'Requests', path: 'requests', view: RequestsPage },
  { id: 'webhooks', title: 'Webhooks', path: 'webhooks', view: WebhooksPage },
  { id: 'control', title: 'Control', path: 'control', view: ControlPage },
];

const pageOf = (pathname) =>
  PAGES.find((p) => BASE + p.path === pathname || (p.path && pathname === BASE + p.path)) ??
  PAGES[0];

function TokenForm({ onDone }) {
  const [value, setValue] = useState(adminToken() ?? '');
  const submit = (e) => {
    e.preventDefault();
    setAdminToken(value.trim());
    onDone();
  };
  return html`<form class="token card" onSubmit=${submit} aria-labelledby="token-title">
    <h2 id="token-title">Admin token</h2>
    <p>This mock was started with an admin token (<code>--admin-token</code>). The dashboard sends it
      as <code>X-Churnmock-Admin-Token</code> on every call; it is kept in this tab only. Opening
      <code>/?token=…</code> sets it too.</p>
    <label for="token-input">Token</label>
    <input id="token-input" type="password" autocomplete="off" value=${value}
      onInput=${(e) => setValue(e.currentTarget.value)} />
    <button type="submit">Use this token</button>
  </form>`;
}

function App() {
  const [path, setPath] = useState(location.pathname);
  // The mock marks the page when an admin token is set: ask for it before the first call.
  const [needToken, setNeedToken] = useState(
    document.documentElement.dataset.adminToken === 'required' && !adminToken(),
  );
  const [generation, setGeneration] = useState(0);
  useEffect(() => onTokenNeeded(() => setNeedToken(true)), []);
  useEffect(() => {
    const pop = () => setPath(location.pathname);
    addEventListener('popstate', pop);
    return () => removeEventListener('popstate', pop);
  }, []);
  const page = pageOf(path);
  useEffect(() => {
    document.title = `${page.title} · churnmock dashboard`;
  }, [page]);
  const go = (e, p) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    history.pushState(null, '', BASE + p.path);
    setPath(location.pathname);
    document.getElementById('main')?.focus();
  };
  const View = page.view;
  return html`<a class="skip" href="#main">Skip to content</a>
    <header class="top">
      <p class="brand"><a href=${BASE}>churnmock</a> <span>dashboard</span></p>
      <nav aria-label="Dashboard pages">
        <ul>
          ${PAGES.map(
            (p) => html`<li>
              <a href=${BASE + p.path} aria-current=${p === page ? 'page' : undefined}
                onClick=${(e) => go(e, p)}>${p.title}</a>
            </li>`,
          )}
        </ul>
      </nav>
    </header>
    <main id="main" tabindex="-1" data-page=${page.id}>
      ${
        needToken
          ? html`<${TokenForm} onDone=${() => {
              setNeedToken(false);
              setGeneration(generation + 1);
            }} />`
          : html`<${View} key=${`${page.id}-${generation}`} />`
      }
    </main>`;
}

takeTokenFromUrl();
const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
