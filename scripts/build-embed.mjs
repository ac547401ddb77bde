// A trunk post-build hook (Trunk.toml) that turns trunk's output into the embeddable widget:
// - writes consultation-form.js, the one script a clinic adds, with this build's hashed file
//   names filled in, the built-in first step rendered natively by the widget's view, which it
//   shows before the wasm arrives, and the names it shares with the widget (attributes, events,
//   drafts' keys), both from `cargo run --bin prerender` (embed/consultation-form.js);
// - takes the widget's stylesheet out of the demo page's <head> and puts it inside the embed
//   script, which gives it to each widget's shadow root (no file of its own is left);
// - copies the iframe embed (embed/frame.html, frame.js, frame.css, consultation-frame.js) and
//   the iframe demo page (iframe-demo.html), each script and stylesheet they load with its
//   digest, and writes what a clinic pastes (embed-snippet.html, iframe-snippet.html);
// - takes in the wasm without the questionnaire reader, built just before by release_build
//   (scripts/tools.sh), which the loader fetches when its script lists no questionnaire files;
// - in release builds, minifies the JavaScript with terser (trunk's own minifier cannot parse
//   wasm-bindgen's module output and leaves it as it is, with a "Failed to minify JS" warning),
//   and gives the wasm's imports and exports short names, in the wasm and its glue alike
//   (scripts/short-names.mjs).
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { minify } from 'terser';
import { shorten } from './short-names.mjs';

const stage = process.env.TRUNK_STAGING_DIR;
const source = process.env.TRUNK_SOURCE_DIR ?? process.cwd();
if (!stage) {
  console.error('build-embed: run by trunk, which sets TRUNK_STAGING_DIR');
  process.exit(1);
}
const release = process.env.TRUNK_PROFILE === 'release';
const files = fs.readdirSync(stage);
const find = (pattern, what) => {
  const name = files.find((f) => pattern.test(f));
  if (!name) throw new Error(`build-embed: no ${what} in ${stage}`);
  return name;
};
const glue = find(/^consultation-widget-[0-9a-f]+\.js$|^consultation-widget\.js$/, 'wasm-bindgen glue');
const wasm = find(/_bg\.wasm$/, 'wasm');
const css = find(/^widget(-[0-9a-f]+)?\.css$/, 'widget stylesheet');
const demoCss = find(/^demo-page(-[0-9a-f]+)?\.css$/, 'demo page stylesheet');

const js = async (code) => (release ? (await minify(code, { compress: true, mangle: true })).code : code);
const read = (...parts) => fs.readFileSync(path.join(source, ...parts), 'utf8');
const write = (name, text) => fs.writeFileSync(path.join(stage, name), text);

// The glue is an ES module; the embed scripts are classic scripts (any CMS can include them).
if (release) {
  const code = fs.readFileSync(path.join(stage, glue), 'utf8');
  // trunk 0.21.14 tried to minify the glue first, with minify-js 0.5.6, whose parser (parse-js
  // 0.17) takes only a plain name after `as` in an export list, and wasm-bindgen's glue ends
  // `export { initSync, __wbg_init as default };`: trunk warned and left the file as it was.
  // trunk has no setting to skip its JS minifier alone (minify = "never" would drop its CSS
  // minification of the widget's stylesheet, which every visitor downloads), so the warning
  // stays, and is explained here, right below it, for whoever reads the build's output.
  if (/\bas default\b/.test(code) && code.split('\n').length > 50) {
    console.log(`build-embed: trunk's "Failed to minify JS: RequiredTokenNotFound(Identifier) [token=Some(KeywordDefault)]" above is about ${glue}, and expected: its minifier cannot parse wasm-bindgen's \`export { … as default }\`. terser minifies that file here instead.`);
  }
  // The names the wasm and the glue call each other by, one or two letters each in both
  // (scripts/short-names.mjs): about 7 KB less gzip for every visitor.
  const short = shorten(code, fs.readFileSync(path.join(stage, wasm)));
  fs.writeFileSync(path.join(stage, wasm), short.wasm);
  write(glue, (await minify(short.glue, { module: true, compress: true, mangle: true })).code);
}
// The built-in-only wasm's own build (release_build, scripts/tools.sh): its glue minified as
// above, the rest is the full build's to do, which takes this wasm in.
if (process.env.CW_BUILTIN_PART) {
  console.log(`build-embed: the built-in-only wasm (${wasm}), for the full build to take in`);
  process.exit(0);
}
// The full build's: the wasm without the questionnaire reader, from the build just before this
// one (CW_BUILTIN_DIST), for the loader to fetch when its script lists no questionnaire files.
// Its glue must be this build's byte for byte (the same imports), so the loader has one glue
// for both. Without it (trunk serve, a plain trunk build), the loader always fetches the full one.
let builtin = null;
if (process.env.CW_BUILTIN_DIST) {
  const dir = process.env.CW_BUILTIN_DIST;
  const theirs = fs.readdirSync(dir);
  const [ownWasm, ownGlue] = [/_bg\.wasm$/, /^consultation-widget-[0-9a-f]+\.js$/].map((p) => theirs.find((f) => p.test(f)));
  if (!ownWasm || !ownGlue) throw new Error(`build-embed: no wasm and glue in ${dir}`);
  if (!fs.readFileSync(path.join(dir, ownGlue)).equals(fs.readFileSync(path.join(stage, glue)))) {
    throw new Error(`build-embed: the built-in-only wasm's glue (${dir}/${ownGlue}) differs from ${glue}: the loader has one glue for both`);
  }
  const bytes = fs.readFileSync(path.join(dir, ownWasm));
  builtin = `consultation-widget-builtin-${crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 16)}_bg.wasm`;
  fs.writeFileSync(path.join(stage, builtin), bytes);
}
// Subresource Integrity (W3C SRI, SHA-384): the loader checks each file it loads, and the
// clinic's <script> checks the loader.
const sri = (name) => `sha384-${crypto.createHash('sha384').update(fs.readFileSync(path.join(stage, name))).digest('base64')}`;
const integrity = { glue: sri(glue), wasm: sri(wasm), ...(builtin && { builtin: sri(builtin) }) };
// The built-in first step, rendered natively by the widget's own view (src/bin/prerender.rs),
// for the loader to show before the wasm arrives, and the names the loader shares with the
// widget, from the widget's code (`first`, `names`). Built on the host, beside trunk's wasm
// build.
// Without the release wasm's std flags (scripts/tools.sh, `release_build`): they are for the
// wasm only, and would rebuild std and every host crate for this native run.
const hostEnv = { ...process.env };
for (const name of ['RUSTC_BOOTSTRAP', 'CARGO_UNSTABLE_BUILD_STD', 'CARGO_UNSTABLE_BUILD_STD_FEATURES', 'CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS']) delete hostEnv[name];
const { first, languages, names } = JSON.parse(execFileSync('cargo', ['run', '--quiet', '--bin', 'prerender'], {
  cwd: source, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: hostEnv,
}));
// The widget's stylesheet goes inside the loader (adopted by each shadow root): no request to
// wait for before the first step is drawn, and checked with the loader's own digest.
const cssText = fs.readFileSync(path.join(stage, css), 'utf8');
// Each built-in language other than English (issue 25): the widget's words and the built-in
// questionnaire's texts in it, a file of its own (lang-es-<hash>.json) that the loader fetches,
// checked by its digest, only for a widget in that language; nothing of it is in the English
// first load but its name, file and direction.
const langs = {};
for (const [tag, { dir, data }] of Object.entries(languages)) {
  const text = JSON.stringify(data);
  const file = `lang-${tag}-${crypto.createHash('sha256').update(text).digest('hex').slice(0, 16)}.json`;
  write(file, text);
  integrity[`lang-${tag}`] = sri(file);
  langs[tag] = { file, dir };
}
const manifest = JSON.stringify({ glue, wasm, ...(builtin && { builtin }), css: cssText, integrity, first, langs });
// Each NAMES.key in an embed script becomes the widget's name for it, written as a literal: the
// minified loader is as small as when the names were written by hand there. A key the widget
// does not name fails the build, as does NAMES left in any other form.
const named = (code) => {
  const out = code.replace(/\bNAMES\.(\w+)\b/g, (_, key) => {
    if (!Object.hasOwn(names, key)) throw new Error(`build-embed: the widget names no NAMES.${key} (src/bin/prerender.rs)`);
    return JSON.stringify(names[key]);
  });
  if (/\bNAMES\b/.test(out)) throw new Error('build-embed: an embed script uses NAMES other than as NAMES.key');
  return out;
};
// The first step in the page's own HTML, as a declarative shadow root for the widget's element
// (README, "The script embed"): the step arrives with the page, before the loader, which takes
// it over (embed/consultation-form.js, `prepare`). Its styles inline, so it is styled in its
// first frame (a stylesheet <link> there kept the step off the page until the file came:
// docs/size-notes.md, "Issue 22, item 1"); a page's Content Security Policy allows them by this
// hash. Its form submits nowhere until the loader arrives (method="dialog" outside a dialog
// does nothing), so an early Enter never puts the answers in the page's address.
if (cssText.includes('</')) throw new Error('build-embed: the stylesheet cannot go inside a <style> as it is');
const styleHash = `sha256-${crypto.createHash('sha256').update(cssText).digest('base64')}`;
// In English, whatever the page's language, until the loader knows the visitor's.
const rootAttributes = [...first.rootAttributes, ['lang', first.lang], ['dir', 'ltr']].map(([name, value]) => ` ${name}="${value}"`).join('');
const declarative = `<template shadowrootmode="open"><style>${cssText}</style><div class="${first.rootClass}"${rootAttributes}>${
  first.html.replace(/^([\s\S]*?<form)\b/, '$1 method="dialog"')}</div></template>`;
if (!declarative.includes('<form method="dialog"')) throw new Error('build-embed: the first step has no <form>');
// Each page's widget element given the first step, right inside its opening tag.
const mountTag = /<div\b[^>]*\bdata-consultation-form\b[^>]*>/;
const declare = (page, name) => {
  if (!mountTag.test(page)) throw new Error(`build-embed: ${name} has no data-consultation-form element`);
  return page.replace(mountTag, (tag) => tag + declarative);
};
write('consultation-form.js', await js(named(read('embed', 'consultation-form.js').replace('__FILES__', manifest))));
write('frame.js', await js(named(read('embed', 'frame.js'))));
write('consultation-frame.js', await js(named(read('embed', 'consultation-frame.js'))));
const loaderIntegrity = sri('consultation-form.js');
write('frame.css', read('embed', 'frame.css'));
// `text` with `from` replaced, which must be there: a page that lost it would ship unchecked.
const swap = (text, from, to, page) => {
  if (!text.includes(from)) throw new Error(`build-embed: ${page} has no ${from}`);
  return text.replace(from, to);
};
// The frame page loads the same checked loader, and its own files checked too.
let frame = read('embed', 'frame.html');
frame = swap(frame, '<link rel="stylesheet" href="frame.css">', `<link rel="stylesheet" href="frame.css" integrity="${sri('frame.css')}">`, 'frame.html');
frame = swap(frame, '<script src="frame.js"></script>', `<script src="frame.js" integrity="${sri('frame.js')}"></script>`, 'frame.html');
frame = swap(frame, '<script src="consultation-form.js"', `<script src="consultation-form.js" integrity="${loaderIntegrity}"`, 'frame.html');
write('frame.html', declare(frame, 'frame.html'));
const frameIntegrity = sri('consultation-frame.js');
// What a clinic pastes, with this build's digests: dist/iframe-snippet.html ("The iframe
// embed"), dist/embed-snippet.html (README, "The script embed", written last, as it lists the
// build's files), and the digests alone for tools.
write('integrity.json', `${JSON.stringify({
  'consultation-form.js': loaderIntegrity,
  'consultation-frame.js': frameIntegrity,
  // For style-src, quoted: 'sha256-…' (README, "Content Security Policy").
  'embed-snippet.html <style>': styleHash,
}, null, 2)}\n`);
write('iframe-snippet.html', `<iframe data-consultation-frame src="https://forms.example.com/frame.html" title="Consultation form"></iframe>
<script src="https://forms.example.com/consultation-frame.js" integrity="${frameIntegrity}" crossorigin="anonymous" async></script>
`);
// The iframe demo checks its helper script as a clinic's page would.
write('iframe-demo.html', swap(read('iframe-demo.html').replace('styles/demo-page.css', demoCss),
  '<script src="consultation-frame.js" async></script>',
  `<script src="consultation-frame.js" integrity="${frameIntegrity}" async></script>`, 'iframe-demo.html'));

// The widget's stylesheet belongs inside its shadow root, not on the clinic's page.
const indexPath = path.join(stage, 'index.html');
const index = fs.readFileSync(indexPath, 'utf8');
// Matched quoted or not: trunk's minifier drops the quotes.
const link = new RegExp(`<link\\b[^>]*\\bhref="?[^"\\s>]*${css.replace('.', '\\.')}"?[^>]*>`);
if (!link.test(index)) throw new Error(`build-embed: index.html does not link ${css}`);
// With inject_scripts off, trunk leaves its own rust <link> in the page: in its place, hints
// that let the demo page fetch the widget's files while the HTML is still arriving (a clinic
// may add the same two lines; README, "The script embed").
const rust = /<link\b[^>]*\brel="?rust"?[^>]*>/;
// The modulepreload with the glue's integrity: without it, an unchecked module would be in the
// page's module map. The wasm's preload without: a `fetch` preload cannot check a digest, and
// Chromium warns on every load that it ignores one ("The `integrity` attribute is currently
// ignored for preload destinations…", crbug.com/981419). The loader's fetch() checks the digest
// on the preloaded bytes (Chromium fetches the file once, and a changed byte is refused:
// measured). The preload is kept for speed: on the benchmark's phone profile the wasm took
// over about 0.2 s later without it (docs/size-notes.md, "The wasm's preload").
// The wasm the page's loader will fetch: the built-in-only one unless its script lists
// questionnaire files (the demo page lists none).
// Minified or not: trunk's minifier drops quotes and may reorder nothing else.
const loader = /<script\b([^>]*?)\bsrc="?consultation-form\.js"?/;
if (!loader.test(index)) throw new Error('build-embed: index.html does not load consultation-form.js');
const pageWasm = builtin && !/\bdata-questionnaires\b/.test(index.match(/<script\b[^>]*\bsrc="?consultation-form\.js"?[^>]*>/)[0]) ? builtin : wasm;
const hints = `<link rel="modulepreload" href="${glue}" integrity="${integrity.glue}" crossorigin="anonymous"><link rel="preload" href="${pageWasm}" as="fetch" type="application/wasm" crossorigin="anonymous">`;
fs.writeFileSync(indexPath, declare(index, 'index.html').replace(link, '').replace(rust, hints)
  .replace(loader, `<script$1src="consultation-form.js" integrity="${loaderIntegrity}"`));
// Carried by the loader now: nothing loads the file itself.
fs.rmSync(path.join(stage, css));

// The script embed's snippet, with which of dist/'s files to host (README, "Files to host"):
// the demo pages are there too, and a clinic should not have to guess. The element's text shows
// until the loader gives it a shadow root (which hides it at once), so a box whose loader
// never arrives (its host sends no CORS header) still says something.
const hosted = ['consultation-form.js', glue, ...(builtin ? [builtin] : []), wasm, ...Object.values(langs).map((l) => l.file)];
const framed = ['frame.html', 'frame.js', 'frame.css', 'consultation-frame.js'];
const others = [...fs.readdirSync(stage), 'embed-snippet.html', 'embed-snippet-script-only.html']
  .filter((f) => !hosted.includes(f) && !framed.includes(f)).sort();
const snippet = (paste, widget) => `<!-- Files to host (README, "Files to host"): from dist/, side by side in one folder
       for the script embed: ${hosted.join(' ')}
       for the iframe embed, as well: ${framed.join(' ')}
       not these (the demo pages, and files for you and your tools): ${others.join(' ')}
     Pages on another origin need Access-Control-Allow-Origin sent with them. ${paste} -->
<script src="https://forms.example.com/consultation-form.js" integrity="${loaderIntegrity}" crossorigin="anonymous"
        data-endpoints="https://clinic.example.com"
        data-clinic-emails="bookings@glow.example" async></script>
<div data-consultation-form
     data-endpoint="https://clinic.example.com/api/consultations"
     data-clinic-name="Glow Clinic"
     data-clinic-email="bookings@glow.example">${widget}The consultation form is loading…</div>
`;
// Both forms (README, "The script embed"): the first step in the page's HTML, or, for sites
// that cannot paste long HTML, the loader alone (the step comes with it).
write('embed-snippet-script-only.html', snippet('Then paste:', ''));
write('embed-snippet.html', snippet(`A Content Security Policy on the page needs
     style-src '${styleHash}' for the first step's styles. Then paste:`, declarative));
