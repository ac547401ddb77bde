// Short names for what the wasm and its wasm-bindgen glue call each other by (issue 24, size).
//
// wasm-bindgen names each function the wasm imports from the glue after the Rust binding and a
// 16-digit hash (`__wbg_createElement_de4a31ed2fb252be`), and each closure it exports after
// its Rust types (up to 300 characters). Every name is written twice, in the wasm's import or
// export section and in the glue, and the hashes do not compress: about 5 KB gzip of every
// visitor's first load for names alone. The release build (scripts/build-embed.mjs) renames
// each to one or two letters, in the wasm and in the glue alike; what the names say is kept in
// the glue before this step, which a plain `trunk build` still ships.
//
// The new names come from the glue alone, in the order the names first appear there: the wasm
// without the questionnaire reader has the same glue (build-embed checks), so both wasms get
// the same names and one glue serves both. binaryen's `--minify-imports-and-exports` picks
// its names from each module, so the two would differ.

/** The names renamed: wasm-bindgen's imports (`__wbg_…`, `__wbindgen_…`) and its exports but
 *  the wasm's own (`mount`, `crashed`, `main`, `memory`), which the loader calls by name. */
const RENAMED = /\b(?:__wbg_|__wbindgen_|__externref_|wasm_bindgen_[0-9a-f]{16}_)[A-Za-z0-9_]+\b/g;

/** The short names, in order: a…z, A…Z, then two characters, never a word JavaScript
 *  reserves. */
const SHORT = (() => {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const rest = `${letters}0123456789_$`;
  const names = [...letters];
  for (const a of letters) for (const b of rest) if (!['do', 'if', 'in'].includes(a + b)) names.push(a + b);
  return names;
})();

/** The `n`th short name. */
function short(n) {
  if (n >= SHORT.length) throw new Error(`short-names: more than ${SHORT.length} names`);
  return SHORT[n];
}

/** What the wasm imports from the glue is named `./<crate>_bg.js`, once in the glue, once an
 *  import in the wasm: one letter too. */
const MODULE = 'a';

/** The glue and the wasm, each name in them renamed. */
export function shorten(glue, wasm) {
  const names = mapping(glue);
  const { wasm: renamed, module } = renameWasm(wasm, names);
  const key = JSON.stringify(module);
  if (module !== undefined && glue.split(key).length !== 2) {
    throw new Error(`short-names: the glue names the module ${key} other than once`);
  }
  const text = renameGlue(module === undefined ? glue : glue.replace(key, JSON.stringify(MODULE)), names);
  return { glue: text, wasm: renamed };
}

/** Old name to new, from the glue's text. */
function mapping(glue) {
  const names = new Map();
  for (const [name] of glue.matchAll(RENAMED)) if (!names.has(name)) names.set(name, short(names.size));
  return names;
}

/** The glue with every name renamed. */
function renameGlue(glue, names) {
  return glue.replace(RENAMED, (name) => names.get(name));
}

// The wasm binary format (WebAssembly Core Specification, 5.5): sections of an id and a
// length; names and vectors counted in unsigned LEB128.
function readU32(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, at];
    shift += 7;
  }
}
function u32(value) {
  const out = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}
const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();
function readName(bytes, at) {
  const [length, start] = readU32(bytes, at);
  return [decoder.decode(bytes.subarray(start, start + length)), start + length];
}
function name(text) {
  const utf8 = encoder.encode(text);
  return [...u32(utf8.length), ...utf8];
}
/** Where an import's description (after its two names) ends, by its kind (5.5.5). */
function skipImport(bytes, at) {
  const kind = bytes[at++];
  const limits = (p) => {
    const flags = bytes[p++];
    [, p] = readU32(bytes, p);
    if (flags & 1) [, p] = readU32(bytes, p);
    return p;
  };
  switch (kind) {
    case 0x00: return readU32(bytes, at)[1]; // a function: its type
    case 0x01: return limits(at + 1); // a table: its reference type, limits
    case 0x02: return limits(at); // a memory: limits
    case 0x03: return at + 2; // a global: a value type, mutability
    case 0x04: return readU32(bytes, at + 1)[1]; // a tag: attribute, type
    default: throw new Error(`short-names: an import of unknown kind ${kind}`);
  }
}

/** The wasm with its imports (module and name) and exports renamed, and the module its
 *  imports came from. A wasm-bindgen name the glue does not know stops the build: the glue
 *  could not provide or call it. */
function renameWasm(wasm, names) {
  let module;
  const rename = (old) => {
    if (!old.match(RENAMED)?.includes(old)) return old;
    if (!names.has(old)) throw new Error(`short-names: the wasm names ${old}, which its glue does not`);
    return names.get(old);
  };
  // Each section as it was, but the imports (id 2) and the exports (id 7), written anew.
  const out = [wasm.subarray(0, 8)];
  let at = 8;
  while (at < wasm.length) {
    const id = wasm[at];
    const [size, start] = readU32(wasm, at + 1);
    const end = start + size;
    if (id !== 2 && id !== 7) {
      out.push(wasm.subarray(at, end));
      at = end;
      continue;
    }
    let [count, p] = readU32(wasm, start);
    const body = u32(count);
    while (count--) {
      let text;
      if (id === 2) {
        [text, p] = readName(wasm, p);
        module ??= text;
        if (text !== module) throw new Error(`short-names: imports from ${module} and ${text}`);
        body.push(...name(MODULE));
      }
      [text, p] = readName(wasm, p);
      body.push(...name(rename(text)));
      // An export's kind and index; an import's description.
      const rest = id === 2 ? skipImport(wasm, p) : readU32(wasm, p + 1)[1];
      body.push(...wasm.subarray(p, rest));
      p = rest;
    }
    if (p !== end) throw new Error(`short-names: section ${id} read to ${p}, not its end ${end}`);
    out.push(Uint8Array.from([id, ...u32(body.length), ...body]));
    at = end;
  }
  return { wasm: Buffer.concat(out), module };
}
