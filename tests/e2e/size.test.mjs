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
// Issue 22 won bytes back (std rebuilt with the immediate-abort panic strategy, a second wasm
// without the questionnaire reader for pages on the built-in questionnaire: docs/size-notes.md)
// and set the rule now in force: the guard is the first load measured after that work plus
// 1 KiB, and each later feature states its own cost and raises it by exactly that. The aim is
// 120 KiB with everything in it. Issue 23 (signed consent) allowed itself 3 KB and measured
// 6,950 bytes on a built-in page (135,527 to 142,477: the core's signature, record and digest
// 2,572, the widget's drawing box, copy page and the rest 4,378) and 8,981 with the full wasm
// (141,947 to 150,928); the guard rose by exactly that, and the overrun is the planners' to
// weigh (docs/size-notes.md, "Issue 23"). Then the consent words' canonical form was written
// without serde_json::Value: 1,468 bytes less with the full wasm. Issue 25's first slice (the
// questionnaire's `languages`, the submission's `language`, "Answered in" in the summary text)
// measured 476 bytes on a built-in page and 769 with the full wasm (of its 2 KB), by which the
// guard rose (docs/size-notes.md, "Issue 25"). Then the signature's draft reader dropped
// serde's strictness in the wasm only: 278 bytes less on a built-in page, 5 with the full wasm.
// Issue 25's third slice (every word from the catalogue; the other languages as files fetched
// on demand, read by the full wasm only) measured 3,222 bytes on a built-in page (142,580 to
// 145,802: wasm 2,299, loader 900, glue 23) and 6,404 with the full wasm, which now reads the
// languages; over what is left of the issue's 2 KB, so the overrun is the planners' to weigh
// (docs/size-notes.md, "Issue 25"). Then the language choice on the first step (data-langs):
// 107 bytes on a built-in page (the loader 82, the English table 25) and 1,593 with the full
// wasm, which draws it. Then a questionnaire file's translation read in the widget (serde's
// reader of the translation file and `translate`, full wasm only): 7,049 with the full wasm,
// nothing on a built-in page. Then the built-in-only wasm was built with Debug formatting
// compiled out (`-Zfmt-debug=none`: nothing it shows or sends is written with Debug): 3,036
// bytes less on a built-in page, which brings issue 25 within its 2 KB (142,477 before the
// issue, 142,872 after), the full wasm unchanged (docs/size-notes.md, "Issue 25, fourth slice").
// Then drafts and the receiver's refusals were read without writing out why they failed (no
// one is told): serde_json's messages and the path finder left the built-in wasm, 2,501 bytes
// less on a built-in page and 230 with the full wasm. Then the language a visitor chose with
// data-langs kept with the draft, so a reload comes back in it: 77 bytes on a built-in page
// (the loader reads it), 163 with the full wasm (which writes it). Then the ready event made
// sure even when an answer comes before the widget's first effects: 48 and 44.
// Speed is measured by the benchmark (bench/run.mjs), never asserted: these machines are
// shared and noisy; bytes are not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sizes } from '../../bench/sizes.mjs';
import { DIST } from './support/browser.mjs';

// Measured 2026-12-07 after issue 22 (`bench/sizes.mjs` on a release build, zlib level 9):
// a page on the built-in questionnaire (the loader, the glue, the built-in wasm), and a page
// whose embed script lists questionnaire files (the full wasm instead).
// Then raised by issue 23's measured cost (6,950 and 8,981, less 1,468 with the full wasm) and
// issue 25's first slice (476 and 769) and third (3,222 and 6,404, then 107 and 1,593, and 7,049 with the full wasm),
// then lowered by the built-in wasm's Debug formatting left out (3,036) and the silent reader
// of drafts (2,501 and 230), then raised by the language kept with the draft (77 and 163) and
// the ready event made sure (48 and 44), above. Then the shared strict reader (39 and -75),
// and issue 24's photos, over its 3 KB and left open for it: the core's photos kind (1,067 and
// 1,627) and the widget's field, its browser re-encoding and the multipart send (7,187 and
// 7,862; docs/size-notes.md, "Issue 24"). Then bytes won back for it: std's optimize_for_size
// and the photo field's trims (967 and 1,134), and the short names the wasm and its glue call
// each other by (scripts/short-names.mjs: 7,183 and 7,517).
const BUILTIN_PAGE = 135_532 + 6_950 + 476 - 278 + 3_222 + 107 - 3_036 - 2_501 + 77 + 48
  + 39 + 1_067 + 7_187 - 967 - 7_183;
const QUESTIONNAIRE_PAGE = 141_959 + 8_981 - 1_468 + 769 - 5 + 6_404 + 1_593 + 7_049 - 230 + 163 + 44
  - 75 + 1_627 + 7_862 - 1_134 - 7_517;
const BUDGET = BUILTIN_PAGE + 1024;
const QUESTIONNAIRE_BUDGET = QUESTIONNAIRE_PAGE + 1024;

test('the first load stays within its gzip budget', () => {
  const { loaded, firstLoad } = sizes(DIST);
  // The sum must cover the embed script (which carries the stylesheet), the glue and the wasm,
  // or it proves nothing. The wasm is the one a page on the built-in questionnaire gets.
  for (const file of [/^consultation-form\.js$/, /^consultation-widget-.*\.js$/, /^consultation-widget-builtin-.*\.wasm$/]) {
    assert.ok(loaded.some((r) => file.test(r.file)), `no ${file} file in the first load`);
  }
  const breakdown = loaded.map((r) => `${r.file} ${r.gzip}`).join(', ');
  console.log(`first load: ${firstLoad.gzip} bytes gzip of ${BUDGET} (${breakdown})`);
  assert.ok(firstLoad.gzip <= BUDGET, `first load is ${firstLoad.gzip} bytes gzip, over ${BUDGET}: ${breakdown}`);
});

test('a page that lists questionnaire files stays within its gzip budget too', () => {
  const { filesLoad } = sizes(DIST);
  console.log(`with the full wasm: ${filesLoad.gzip} bytes gzip of ${QUESTIONNAIRE_BUDGET}`);
  assert.ok(filesLoad.gzip > BUILTIN_PAGE, 'the full wasm is counted, not the built-in one');
  assert.ok(filesLoad.gzip <= QUESTIONNAIRE_BUDGET, `${filesLoad.gzip} bytes gzip, over ${QUESTIONNAIRE_BUDGET}`);
});
