// The release build's short names for what the wasm and its glue call each other by
// (scripts/short-names.mjs): on a module made here, byte by byte, and on the built wasm files,
// which every other test in this folder then runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { shorten } from '../../scripts/short-names.mjs';
import { DIST } from './support/browser.mjs';

const IMPORT = '__wbg_log_0123456789abcdef';
const CLOSURE = 'wasm_bindgen_0123456789abcdef___convert__closures_____invoke_______true_';

/** A module importing `IMPORT` from `module` and exporting `start` and `CLOSURE`, as
 *  wasm-bindgen's output does (WebAssembly Core Specification, 5.5). */
function made(module = './widget_bg.js', imported = IMPORT) {
  const name = (text) => [text.length, ...Buffer.from(text)];
  const section = (id, body) => [id, body.length, ...body];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 0, 0]), // one type: no parameters, no results
    ...section(2, [1, ...name(module), ...name(imported), 0x00, 0]), // a function of type 0
    ...section(3, [1, 0]), // one function of type 0 (index 1)
    ...section(7, [2, ...name('start'), 0x00, 1, ...name(CLOSURE), 0x00, 1]),
    ...section(10, [1, 4, 0, 0x10, 0, 0x0b]), // its body: call the import
  ]);
}
const glue = `const imports = { "./widget_bg.js": { ${IMPORT}: () => called++ } };
let called = 0; const run = (wasm) => { wasm.${CLOSURE}(); return called; };`;

test('the names are renamed alike in the wasm and in the glue, and the glue still runs it', () => {
  const short = shorten(glue, made());
  const module = new WebAssembly.Module(short.wasm);
  assert.deepEqual(WebAssembly.Module.imports(module), [{ module: 'a', name: 'a', kind: 'function' }]);
  assert.deepEqual(WebAssembly.Module.exports(module).map((e) => e.name), ['start', 'b']);
  assert.ok(!short.glue.includes('__wbg_') && !short.glue.includes('wasm_bindgen_'), short.glue);
  const run = new Function(`${short.glue}; return run(new WebAssembly.Instance(arguments[0], imports).exports);`);
  assert.equal(run(module), 1);
});

test('a wasm naming what its glue does not, or importing from elsewhere, stops the build', () => {
  assert.throws(() => shorten(glue, made('./widget_bg.js', '__wbg_other_0123456789abcdef')), /which its glue does not/);
  assert.throws(() => shorten(glue, made('./other_bg.js')), /names the module "\.\/other_bg\.js" other than once/);
});

test('the built wasm files import and export by the short names, and the glue uses no other', () => {
  const files = fs.readdirSync(DIST);
  const wasms = files.filter((f) => f.endsWith('_bg.wasm'));
  assert.equal(wasms.length, 2, `the built-in and the full wasm: ${wasms}`);
  for (const file of wasms) {
    const module = new WebAssembly.Module(fs.readFileSync(path.join(DIST, file)));
    for (const { module: from, name } of WebAssembly.Module.imports(module)) {
      assert.ok(from === 'a' && name.length <= 2, `${file} imports ${from} ${name}`);
    }
    const own = ['memory', 'mount', 'crashed', 'main', '__abort_handler', '__instance_terminated'];
    for (const { name } of WebAssembly.Module.exports(module)) {
      assert.ok(own.includes(name) || name.length <= 2, `${file} exports ${name}`);
    }
  }
  const glueFile = files.find((f) => /^consultation-widget-[0-9a-f]+\.js$/.test(f));
  assert.doesNotMatch(fs.readFileSync(path.join(DIST, glueFile), 'utf8'), /__wbg_|__wbindgen_|wasm_bindgen_/);
});
