import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { esc } from '../core/html.ts';
import { codeDir, PACKAGE_ROOT } from '../core/paths.ts';

/** Where the dashboard lives: a page of the admin API (its calls go to `/__admin`). */
export const UI_PREFIX = '/__admin/ui';

const HERE = codeDir('mock/ui');
const PUBLIC = join(HERE, 'public');
const require = createRequire(import.meta.url);

/** A package's folder, found from its entry point upwards (it works from the installed package). */
function packageDir(name: string): string {
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, 'package.json')) || !isPackage(join(dir, 'package.json'), name)) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`churnmock: cannot find the folder of ${name}`);
    dir = up;
  }
  return dir;
}

function isPackage(file: string, name: string): boolean {
  return (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === name;
}

/**
 * Redoc's standalone bundle: copied next to the build (`scripts/copy-assets.mjs`, redoc is a
 * devDependency), else from node_modules (the sources).
 */
function redocFile(file: string): string {
  const copied = join(HERE, 'vendor', 'redoc', file);
  if (existsSync(copied)) return copied;
  return join(packageDir('redoc'), file === 'LICENSE' ? 'LICENSE' : `bundles/${file}`);
}

/** The libraries the page imports, by the URL under `/__admin/ui/vendor/` (the import map's). */
function vendorFiles(): ReadonlyMap<string, () => string> {
  const preact = () => packageDir('preact');
  const htm = () => packageDir('htm');
  const uplot = () => packageDir('uplot');
  return new Map<string, () => string>([
    ['preact.mjs', () => join(preact(), 'dist/preact.mjs')],
    ['preact-hooks.mjs', () => join(preact(), 'hooks/dist/hooks.mjs')],
    ['htm.mjs', () => join(htm(), 'dist/htm.mjs')],
    ['htm-preact.mjs', () => join(htm(), 'preact/index.mjs')],
    ['uPlot.esm.js', () => join(uplot(), 'dist/uPlot.esm.js')],
    ['uPlot.min.css', () => join(uplot(), 'dist/uPlot.min.css')],
    ['redoc.standalone.js', () => redocFile('redoc.standalone.js')],
    ['LICENSE.preact', () => join(preact(), 'LICENSE')],
    ['LICENSE.htm', () => join(htm(), 'LICENSE')],
    ['LICENSE.uplot', () => join(uplot(), 'LICENSE')],
    ['LICENSE.redoc', () => redocFile('LICENSE')],
  ]);
}

/**
 * The one remote URL Redoc's bundle loads (its footer's logo, unconditionally): an empty image
 * instead, so the docs pages load nothing from another host (they work offline).
 */
const REDOC_REMOTE_LOGO = 'https://cdn.redoc.ly/redoc/logo-mini.svg';
const EMPTY_IMAGE = 'data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22/%3E';

const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  png: 'image/png',
  svg: 'image/svg+xml',
  yaml: 'application/yaml; charset=utf-8',
};

const typeOf = (file: string): string =>
  TYPES[file.slice(file.lastIndexOf('.') + 1)] ?? 'text/plain; charset=utf-8';

/** The dashboard's pages: each is the one HTML document (the page picks the view). */
export const UI_PAGES = ['overview', 'data', 'requests', 'webhooks', 'control'] as const;

/** The contracts a docs page renders: the files under contracts/, by base name. */
function contractIds(): readonly string[] {
  return readdirSync(`${PACKAGE_ROOT}contracts`)
    .filter((f) => f.endsWith('.openapi.yaml'))
    .map((f) => f.slice(0, -'.openapi.yaml'.length));
}

function docsPage(id: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(id)} API docs · churnmock</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="${UI_PREFIX}/icon.svg" type="image/svg+xml">
<style>body{margin:0}</style></head>
<body><redoc spec-url="${UI_PREFIX}/contracts/${esc(id)}.openapi.yaml"></redoc>
<script src="${UI_PREFIX}/vendor/redoc.standalone.js"></script></body></html>`;
}

/**
 * Serves the dashboard: `/__admin/ui/` and its page paths (the single page's HTML), its own
 * scripts and styles (`mock/ui/public/`), the libraries it imports (`vendor/`), the contracts
 * and a Redoc page for each (`docs/<id>`). Returns false for a path it does not know.
 * Everything here is static, the same for every caller, and holds no state or secret: the
 * page's data comes from the admin API, which checks the token. `tokenRequired` (an admin
 * token is set) is marked on the page, so that it asks for the token before its first call.
 */
export function uiHandler({
  tokenRequired = false,
} = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const cache = new Map<string, Buffer>();
  const vendor = vendorFiles();
  const read = (file: string): Buffer => {
    let b = cache.get(file);
    if (!b) {
      b = readFileSync(file);
      if (file.endsWith('redoc.standalone.js'))
        b = Buffer.from(b.toString('utf8').replaceAll(REDOC_REMOTE_LOGO, EMPTY_IMAGE));
      cache.set(file, b);
    }
    return b;
  };
  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer) => {
    res.writeHead(status, {
      'content-type': type,
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    res.end(body);
  };
  const notFound = (res: ServerResponse, path: string) =>
    send(
      res,
      404,
      'application/json; charset=utf-8',
      JSON.stringify({ message: `No dashboard asset ${path}` }),
    );
  const contracts = new Set(contractIds());
  const page = (): Buffer => {
    const html = read(join(PUBLIC, 'index.html'));
    return tokenRequired
      ? Buffer.from(
          html
            .toString('utf8')
            .replace('<html lang="en">', '<html lang="en" data-admin-token="required">'),
        )
      : html;
  };
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(
        res,
        405,
        'application/json; charset=utf-8',
        JSON.stringify({ message: `Method ${req.method} not allowed on ${path}; use GET` }),
      );
    }
    const rest = path.slice(UI_PREFIX.length);
    if (rest === '') {
      res.writeHead(302, { location: `${UI_PREFIX}/${url.search}`, 'content-length': 0 });
      return res.end();
    }
    const view = rest.slice(1);
    if (view === '' || (UI_PAGES as readonly string[]).includes(view))
      return send(res, 200, TYPES.html as string, page());
    const docs = /^\/docs\/([a-z-]+)$/.exec(rest)?.[1];
    if (docs !== undefined)
      return contracts.has(docs)
        ? send(res, 200, TYPES.html as string, docsPage(docs))
        : notFound(res, path);
    const contract = /^\/contracts\/([a-z-]+)\.openapi\.yaml$/.exec(rest)?.[1];
    if (contract !== undefined)
      return contracts.has(contract)
        ? send(
            res,
            200,
            TYPES.yaml as string,
            read(`${PACKAGE_ROOT}contracts/${contract}.openapi.yaml`),
          )
        : notFound(res, path);
    const lib = /^\/vendor\/([A-Za-z0-9.-]+)$/.exec(rest)?.[1];
    if (lib !== undefined) {
      const file = vendor.get(lib);
      return file ? send(res, 200, typeOf(lib), read(file())) : notFound(res, path);
    }
    const own = /^\/([a-z-]+\.(?:js|css|svg))$/.exec(rest)?.[1];
    if (own !== undefined && existsSync(join(PUBLIC, own)))
      return send(res, 200, typeOf(own), read(join(PUBLIC, own)));
    notFound(res, path);
  };
}
