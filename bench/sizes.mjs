// Sizes of the release build, shared by the benchmark (which prints them) and the size budget
// test (which guards the first load).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export const gzip = (b) => zlib.gzipSync(b, { level: 9 });
export const brotli = (b) => zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } });

/** Every built file, raw, gzip and brotli; and the first load: the page and what it loads for
 *  the widget (the demo page's own stylesheet is the clinic's, not the widget's). */
export function sizes(dist) {
  const index = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  const files = fs.readdirSync(dist).filter((f) => /\.(wasm|js|css|html)$/.test(f)).sort();
  const rows = files.map((file) => {
    const body = fs.readFileSync(path.join(dist, file));
    return { file, raw: body.length, gzip: gzip(body).length, brotli: brotli(body).length };
  });
  const loaded = rows.filter((r) => r.file === 'index.html' || (index.includes(r.file) && !r.file.startsWith('demo-page')));
  const total = (key) => loaded.reduce((n, r) => n + r[key], 0);
  return { rows, loaded, firstLoad: { raw: total('raw'), gzip: total('gzip'), brotli: total('brotli') } };
}
