// The size budget: what the widget adds to a clinic page's download before the first field (the
// embed script, the widget's stylesheet, its JS glue and its wasm; not the clinic's own page),
// compressed with zlib at level 9 as
// a web server would, stays within its budget, in KiB as the benchmark prints it.
//
// The budget was issue 6's 110 KB. Issue 4's embedding (shadow roots, host events, theme,
// questionnaire addresses, page parameters, the embed script) added about 8 KB and made it
// 120 KiB: raising it again is a planning decision, not a fix. Speed is measured by the
// benchmark (bench/run.mjs), never asserted: these machines are shared and noisy; bytes are not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sizes } from '../../bench/sizes.mjs';
import { DIST } from './support/browser.mjs';

const BUDGET = 120 * 1024;

test('the first load stays within its gzip budget', () => {
  const { loaded, firstLoad } = sizes(DIST);
  // The sum must cover the embed script, the glue, the stylesheet and the wasm, or it proves
  // nothing.
  for (const file of [/^consultation-form\.js$/, /^consultation-widget-.*\.js$/, /\.css$/, /\.wasm$/]) {
    assert.ok(loaded.some((r) => file.test(r.file)), `no ${file} file in the first load`);
  }
  const breakdown = loaded.map((r) => `${r.file} ${r.gzip}`).join(', ');
  console.log(`first load: ${firstLoad.gzip} bytes gzip of ${BUDGET} (${breakdown})`);
  assert.ok(firstLoad.gzip <= BUDGET, `first load is ${firstLoad.gzip} bytes gzip, over ${BUDGET}: ${breakdown}`);
});
