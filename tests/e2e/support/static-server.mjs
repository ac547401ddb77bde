// A real HTTP server on 127.0.0.1 serving the release build (dist/), as a clinic's web host
// would: correct MIME types (application/wasm lets the browser compile while downloading).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

const escape = (v) => String(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The demo page with the widget's element given exactly these data- attributes. Its embed
 *  script allows what the widget names, as the clinic's own page would: the endpoint's origin
 *  (`data-endpoints`), the clinic's email (`data-clinic-emails`) and the questionnaire
 *  (`data-questionnaires`), unless `endpoints`, `clinicEmails` or `questionnaires` says
 *  otherwise (`null`: no such list at all). */
export function withSettings(indexHtml, attributes, { endpoints, clinicEmails, questionnaires } = {}) {
  const attrs = Object.entries(attributes).map(([k, v]) => ` ${k}="${escape(v)}"`).join('');
  const mount = /<div\b[^>]*\bdata-consultation-form\b[^>]*>/;
  if (!mount.test(indexHtml)) throw new Error('index.html has no data-consultation-form element');
  let allowedEndpoints = endpoints;
  if (allowedEndpoints === undefined && attributes['data-endpoint']) {
    try { allowedEndpoints = new URL(attributes['data-endpoint']).origin; } catch { allowedEndpoints = null; }
  }
  const lists = [
    ['data-endpoints', allowedEndpoints],
    ['data-clinic-emails', clinicEmails === undefined ? attributes['data-clinic-email'] : clinicEmails],
    ['data-questionnaires', questionnaires === undefined ? attributes['data-questionnaire'] : questionnaires],
  ].filter(([, value]) => value);
  const loader = /<script\b([^>]*)\bsrc="?consultation-form\.js"?/;
  if (!loader.test(indexHtml)) throw new Error('index.html does not load consultation-form.js');
  const html = indexHtml.replace(mount, `<div data-consultation-form${attrs}>`);
  // Put first, these win over the same attribute already on the page's script (the HTML
  // parser keeps an attribute's first value).
  const pinned = lists.map(([name, value]) => `${name}="${escape(value)}" `).join('');
  return pinned
    ? html.replace(loader, (_, before) => `<script ${pinned}${before.trim()} src="consultation-form.js"`)
    : html;
}

/** Serves `root` on its own origin. `cors`: lets pages on other origins load the files, as a
 *  host serving the widget to clinics' sites must (the glue is a module script and the wasm is
 *  fetched, both CORS requests). Extra pages, with extra headers, can be added at any path. */
export async function serveDirectory(root, { cors = false, port = 0 } = {}) {
  const variants = new Map(); // path -> { body, headers }: pages other than the files
  const base = cors ? { 'access-control-allow-origin': '*' } : {};
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (variants.has(url.pathname)) {
      const { body, headers } = variants.get(url.pathname);
      res.writeHead(200, { ...base, 'content-type': TYPES['.html'], ...headers });
      res.end(body);
      return;
    }
    const file = path.join(root, path.normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, ''));
    const target = url.pathname.endsWith('/') ? path.join(file, 'index.html') : file;
    fs.readFile(target, (err, body) => {
      if (err) {
        res.writeHead(404, { ...base, 'content-type': 'text/plain' });
        res.end('not found');
        return;
      }
      res.writeHead(200, { ...base, 'content-type': TYPES[path.extname(target)] ?? 'application/octet-stream' });
      res.end(body);
    });
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const add = (name, body, headers = {}) => {
    variants.set(name, { body, headers });
    return new URL(name, url).href;
  };
  return {
    url,
    origin: url.slice(0, -1),
    /** Serves the demo page with the widget's settings replaced; returns its address. */
    page(attributes, headers = {}, options = {}) {
      const html = withSettings(fs.readFileSync(path.join(root, 'index.html'), 'utf8'), attributes, options);
      return add(`/page-${variants.size + 1}.html`, html, headers);
    },
    /** Serves `body` (HTML, or JSON with a content-type header) at `name`; returns its address. */
    add,
    /** A built file's text, to serve changed with `add`. */
    read: (name) => fs.readFileSync(path.join(root, name), 'utf8'),
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}
