// Small pieces the pages share: loading an answer, a copy button, an error line.
import { html } from 'htm/preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

/** Runs `load` when `deps` change (and on `reload()`); {data, error, loading, reload}. */
export function useLoad(load, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const [n, setN] = useState(0);
  const live = useRef(true);
  useEffect(() => {
    live.current = true;
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error) => current && setState({ data: null, error, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [...deps, n]);
  const reload = useCallback(() => setN((x) => x + 1), []);
  return { ...state, reload };
}

/** Calls `fn` every `ms` while the page is shown (the first call at once). */
export function usePoll(fn, ms) {
  const saved = useRef(fn);
  saved.current = fn;
  useEffect(() => {
    let stopped = false;
    let timer;
    const tick = async () => {
      try {
        await saved.current();
      } finally {
        if (!stopped) timer = setTimeout(tick, ms);
      }
    };
    tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [ms]);
}

/** A button that copies `text`, saying so (or that the browser refused) for a moment. */
export function CopyButton({ text, label }) {
  const [said, setSaid] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setSaid('Copied');
    } catch {
      setSaid('Select and copy by hand');
    }
    setTimeout(() => setSaid(''), 1500);
  };
  return html`<button type="button" class="copy" onClick=${copy} aria-label=${`Copy ${label}`}>
    ${said || 'Copy'}</button><span class="sr-only" role="status">${said}</span>`;
}

export function ErrorNote({ error }) {
  if (!error) return null;
  return html`<p class="error" role="alert">${error.status ? `${error.status}: ` : ''}${error.message}</p>`;
}

/** A UTC time as people read it: 2025-12-31 00:00:00 UTC. */
export const utc = (iso) => (iso ? `${iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '')} UTC` : '—');
