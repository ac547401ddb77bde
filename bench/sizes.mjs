// Sizes of the release build, shared by the benchmark (which prints them) and the size budget
// test (which guards the first load).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export const gzip = (b) => zlib.gzipSync(b, { level: 9 });
export const brotli = (b) => zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } });

/** Every built file, raw, gzip and brotli; and the first load: what the widget costs a visitor
 *  of any clinic page, the embed script and the files it loads (glue, wasm, stylesheet). The
 *  clinic's own page is the clinic's, whatever its length. The embed script names two wasm
 *  files (issue 22): the first load counts the one a page on the built-in questionnaire gets,
 *  the wasm without the questionnaire reader (`consultation-widget-builtin-…`), where the build
 *  made one; `filesLoad` counts the full one instead, which a page listing questionnaire files
 *  gets. `rows` reports both. */
export function sizes(dist) {
  const embed = fs.readFileSync(path.join(dist, 'consultation-form.js'), 'utf8');
  const files = fs.readdirSync(dist).filter((f) => /\.(wasm|js|css|html)$/.test(f)).sort();
  const rows = files.map((file) => {
    const body = fs.readFileSync(path.join(dist, file));
    return { file, raw: body.length, gzip: gzip(body).length, brotli: brotli(body).length };
  });
  const named = rows.filter((r) => r.file === 'consultation-form.js' || embed.includes(`"${r.file}"`));
  const builtin = named.some((r) => /^consultation-widget-builtin-.*\.wasm$/.test(r.file));
  const full = (r) => /\.wasm$/.test(r.file) && !/^consultation-widget-builtin-/.test(r.file);
  const loaded = named.filter((r) => !(builtin && full(r)));
  const total = (list, key) => list.reduce((n, r) => n + r[key], 0);
  const sum = (list) => ({ raw: total(list, 'raw'), gzip: total(list, 'gzip'), brotli: total(list, 'brotli') });
  const withFiles = named.filter((r) => !/^consultation-widget-builtin-/.test(r.file));
  return { rows, loaded, firstLoad: sum(loaded), filesLoad: sum(withFiles) };
}
