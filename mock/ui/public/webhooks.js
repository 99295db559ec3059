// Webhooks: the targets (add, remove), a trigger form for every event type, and each delivery
// with every attempt on a timeline and a redeliver button.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { admin } from './api.js';
import { ErrorNote, useLoad, usePoll, utc } from './ui.js';

function Targets({ onError }) {
  const targets = useLoad(() => admin('/__admin/webhooks'), []);
  const [url, setUrl] = useState('');
  const add = async (e) => {
    e.preventDefault();
    try {
      await admin('/__admin/webhooks', { method: 'POST', body: { url } });
      setUrl('');
      targets.reload();
    } catch (err) {
      onError(err);
    }
  };
  const remove = async (u) => {
    try {
      await admin('/__admin/webhooks', { method: 'DELETE', query: { url: u } });
      targets.reload();
    } catch (err) {
      onError(err);
    }
  };
  const urls = targets.data?.urls ?? [];
  return html`<section class="card" aria-labelledby="targets-head">
    <h2 id="targets-head">Targets</h2>
    <p class="note">Every event is POSTed to each target.</p>
    ${urls.length === 0 ? html`<p class="empty">No targets yet.</p>` : null}
    <ul class="targets">
      ${urls.map(
        (u) => html`<li data-target=${u}><code>${u}</code>
          <button type="button" class="secondary" onClick=${() => remove(u)} aria-label=${`Remove ${u}`}>Remove</button></li>`,
      )}
    </ul>
    <form class="inline" onSubmit=${add}>
      <label for="target-url">Add a target URL</label>
      <input id="target-url" type="url" required placeholder="http://127.0.0.1:9000/hooks" value=${url}
        onInput=${(e) => setUrl(e.currentTarget.value)} />
      <button type="submit">Add</button>
    </form>
  </section>`;
}

function Trigger({ onError, onSent }) {
  const apis = useLoad(() => admin('/__admin/apis'), []);
  const events = (apis.data?.apis ?? []).flatMap((a) =>
    a.webhookEvents.map((e) => ({ ...e, api: a.title })),
  );
  const [event, setEvent] = useState('');
  const [customerId, setCustomerId] = useState('');
  const [result, setResult] = useState(null);
  const chosen = event || events[0]?.event || '';
  const send = async (e) => {
    e.preventDefault();
    try {
      const body = {
        event: chosen,
        ...(customerId.trim() ? { customerId: customerId.trim() } : {}),
      };
      const r = await admin('/__admin/webhooks/trigger', { method: 'POST', body });
      setResult(r);
      onSent();
    } catch (err) {
      onError(err);
    }
  };
  return html`<section class="card" aria-labelledby="trigger-head">
    <h2 id="trigger-head">Trigger an event</h2>
    <form class="filters" onSubmit=${send}>
      <div class="field"><label for="t-event">Event</label>
        <select id="t-event" value=${chosen} onChange=${(e) => setEvent(e.currentTarget.value)}>
          ${events.map((ev) => html`<option value=${ev.event}>${ev.event} — ${ev.summary} (${ev.api})</option>`)}
        </select></div>
      <div class="field"><label for="t-customer">Customer id (optional)</label>
        <input id="t-customer" placeholder="a seeded one is chosen" value=${customerId} onInput=${(e) => setCustomerId(e.currentTarget.value)} /></div>
      <button type="submit" disabled=${!chosen}>Send</button>
    </form>
    ${
      result
        ? html`<p role="status" class="ok">Sent <code>${result.event}</code> for <code>${result.customerId}</code>: ${result.deliveries.length} ${result.deliveries.length === 1 ? 'delivery' : 'deliveries'}.</p>`
        : null
    }
  </section>`;
}

function Attempts({ d }) {
  return html`<ol class="timeline" aria-label=${`Attempts of ${d.id}`}>
    ${d.history.map(
      (a, i) => html`<li class=${a.error === null ? 'good' : 'bad'}>
        <span class="dot" aria-hidden="true"></span>
        <span>Attempt ${i + 1} · <time datetime=${a.at}>${utc(a.at)}</time> · ${a.status_code ?? 'no answer'}${a.error ? html` · <span class="err">${a.error}</span>` : null}</span>
      </li>`,
    )}
    ${
      d.status === 'pending'
        ? html`<li class="next"><span class="dot" aria-hidden="true"></span><span>Next attempt ${d.next_attempt_at ? utc(d.next_attempt_at) : 'soon'}</span></li>`
        : null
    }
  </ol>`;
}

function Deliveries({ onError, version }) {
  const [list, setList] = useState(null);
  usePoll(async () => {
    try {
      setList((await admin('/__admin/webhooks/deliveries')).deliveries);
    } catch (e) {
      onError(e);
    }
  }, 1000);
  const redeliver = async (id) => {
    try {
      const d = await admin(`/__admin/webhooks/deliveries/${encodeURIComponent(id)}/redeliver`, {
        method: 'POST',
      });
      setList((l) => [...(l ?? []), d]);
    } catch (e) {
      onError(e);
    }
  };
  const shown = [...(list ?? [])].reverse();
  return html`<section class="card" aria-labelledby="deliveries-head" data-version=${version}>
    <h2 id="deliveries-head">Deliveries</h2>
    <p class="count" role="status">${list ? `${list.length} deliveries, newest first` : 'Loading…'}</p>
    <ul class="deliveries">
      ${shown.map(
        (d) => html`<li data-delivery=${d.id} data-status=${d.status}>
          <p class="head"><span class=${`badge ${d.status}`}>${d.status}</span> <code>${d.event}</code> → <code class="url">${d.url}</code></p>
          <p class="meta">${d.id} · created ${utc(d.created_at)} · ${d.attempts} ${d.attempts === 1 ? 'attempt' : 'attempts'} · last status ${d.last_status_code ?? '—'}${d.last_error ? ` · ${d.last_error}` : ''}</p>
          <${Attempts} d=${d} />
          <button type="button" class="secondary" onClick=${() => redeliver(d.id)} aria-label=${`Redeliver ${d.id}`}>Redeliver</button>
        </li>`,
      )}
    </ul>
  </section>`;
}

export function WebhooksPage() {
  const [error, setError] = useState(null);
  const [version, setVersion] = useState(0);
  return html`<h1>Webhooks</h1>
    <${ErrorNote} error=${error} />
    <div class="grid">
      <${Targets} onError=${setError} />
      <${Trigger} onError=${setError} onSent=${() => setVersion(version + 1)} />
    </div>
    <${Deliveries} onError=${setError} version=${version} />`;
}
