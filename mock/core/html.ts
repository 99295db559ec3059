/** Escapes text for HTML content and attribute values. */
export const esc = (s: string): string => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** A plain, self-contained page (vendors' pages need no assets). */
export function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}
.offer{border:1px solid #ccc;border-radius:8px;padding:1rem;margin:1rem 0}
button{padding:.5rem 1rem;font-size:1rem;cursor:pointer}</style></head>
<body>${body}</body></html>`;
}
