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

/** The demo page with the widget's element given exactly these data- attributes. */
export function withSettings(indexHtml, attributes) {
  const attrs = Object.entries(attributes).map(([k, v]) => ` ${k}="${escape(v)}"`).join('');
  const mount = /<div\b[^>]*\bdata-consultation-form\b[^>]*>/;
  if (!mount.test(indexHtml)) throw new Error('index.html has no data-consultation-form element');
  return indexHtml.replace(mount, `<div data-consultation-form${attrs}>`);
}

export async function serveDirectory(root) {
  const variants = new Map(); // path -> html: the demo page with other settings
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (variants.has(url.pathname)) {
      res.writeHead(200, { 'content-type': TYPES['.html'] });
      res.end(variants.get(url.pathname));
      return;
    }
    const file = path.join(root, path.normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, ''));
    const target = url.pathname.endsWith('/') ? path.join(file, 'index.html') : file;
    fs.readFile(target, (err, body) => {
      if (err) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(target)] ?? 'application/octet-stream' });
      res.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/`;
  return {
    url,
    /** Serves the demo page with the widget's settings replaced; returns its address. */
    page(attributes) {
      const name = `/page-${variants.size + 1}.html`;
      variants.set(name, withSettings(fs.readFileSync(path.join(root, 'index.html'), 'utf8'), attributes));
      return new URL(name, url).href;
    },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}
