// End to end: what a clinic hosts, and what its visitors see when the hosting is wrong.
// - The files dist/embed-snippet.html (and the README's "Files to host") tell a clinic to host
//   exist, cover every file of the build, and are enough: the README's snippets work against a
//   server holding only those files, and fetch nothing else from it.
// - The snippet's element says "The consultation form is loading…" until the loader runs, so a
//   box never sits empty; if the widget's files cannot load (a host sending no CORS header),
//   it says so with the clinic's contact details, and the console names the file and the cause.
// Real servers on 127.0.0.1 (the clinic's pages on one origin, the widget's files on others),
// headless Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { ARGS, DIST } from './support/browser.mjs';
import { serveDirectory } from './support/static-server.mjs';
import { heading } from './support/visitor.mjs';
import { withDeclarative } from './support/declarative.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FALLBACK = 'The consultation form is loading…';

/** The lists in dist/embed-snippet.html's opening comment. */
function hostingLists() {
  const snippet = fs.readFileSync(path.join(DIST, 'embed-snippet.html'), 'utf8');
  const list = (label) => {
    const match = snippet.match(new RegExp(`^\\s*${label}: (.+)$`, 'm'));
    assert.ok(match, `embed-snippet.html lists "${label}"`);
    return match[1].trim().split(/\s+/);
  };
  return {
    script: list('for the script embed'),
    frame: list('for the iframe embed, as well'),
    not: list('not these \\(the demo pages, and files for you and your tools\\)'),
  };
}

/** A snippet from the README (`name`: embed-snippet or iframe-snippet), with the widget's
 *  files at `files` and the build's digests. */
function readme(name, files) {
  const text = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const match = text.match(new RegExp(`<!-- ${name}[^>]*-->\\s*\`\`\`html\\n([\\s\\S]*?)\`\`\``));
  assert.ok(match, `the README has the ${name}`);
  const integrity = JSON.parse(fs.readFileSync(path.join(DIST, 'integrity.json'), 'utf8'));
  const file = name === 'embed-snippet' ? 'consultation-form.js' : 'consultation-frame.js';
  return match[1].replaceAll('https://forms.example.com/', files.url).replace('integrity="sha384-…"', `integrity="${integrity[file]}"`);
}

/** `names` from dist/ in a folder of their own. */
function folderWith(names) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hosted-'));
  for (const name of names) fs.copyFileSync(path.join(DIST, name), path.join(dir, name));
  return dir;
}

let browser;
let site; // the clinic's pages
const cleanup = [];
before(async () => {
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ARGS });
  site = await serveDirectory(fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-site-')));
  site.add('/favicon.ico', '', { 'content-type': 'image/x-icon' });
});
after(async () => {
  for (const done of cleanup.reverse()) await done();
  await site?.close();
  await browser?.close();
});

/** A server for `dir` (closed after the tests). */
async function host(dir, options) {
  const server = await serveDirectory(dir, options);
  cleanup.push(() => server.close());
  return server;
}

/** A plain clinic page on the site's origin holding `body`. */
const clinicPage = (body) => site.add(`/clinic-${Math.random().toString(36).slice(2)}.html`,
  `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Glow Clinic</title></head><body><h1>Glow Clinic</h1>${body}</body></html>`);

/** A fresh page recording every request, console message and uncaught error. With `hold`, the
 *  loader (consultation-form.js) is held back until `release()`: "before the loader" is then a
 *  state the test controls, not a race. */
async function visit(url, { hold = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  const requests = [];
  const logs = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => logs.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => logs.push({ type: 'pageerror', text: e.message }));
  await page.addInitScript(() => {
    window.started = 0;
    for (const name of ['ready', 'failed']) {
      document.addEventListener(`consultation-form:${name}`, () => { window.started += 1; }, true);
    }
  });
  let release = () => {};
  if (hold) {
    const released = new Promise((resolve) => { release = resolve; });
    await page.route(/\/consultation-form\.js$/, async (route) => { await released; await route.continue(); });
  }
  // A held loader holds the load event too (an async script): the document is enough.
  await page.goto(url, { waitUntil: hold ? 'domcontentloaded' : 'load' });
  return { page, context, requests, logs, release };
}

/** What a screen reader is given for the page (shadow roots included). */
const spoken = (page) => page.locator('body').ariaSnapshot();

test('every file the snippet tells a clinic to host is in dist/, and every built file is in one list', () => {
  const { script, frame, not } = hostingLists();
  const built = fs.readdirSync(DIST).sort();
  for (const name of [...script, ...frame, ...not]) assert.ok(built.includes(name), `${name} is in dist/`);
  assert.deepEqual([...script, ...frame, ...not].sort(), built, 'each built file in exactly one list');
  assert.ok(script.includes('consultation-form.js') && script.some((f) => f.endsWith('_bg.wasm')));
  for (const demo of ['index.html', 'iframe-demo.html']) assert.ok(not.includes(demo), `${demo} is not hosted`);

  // The README says the same, with <hash> for this build's hashes.
  const text = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = text.match(/### Files to host\n([\s\S]*?)\n### /);
  assert.ok(section, 'the README has a "Files to host" section');
  for (const name of [...script, ...frame, ...not]) {
    const generic = name.replace(/-[0-9a-f]{16}(?=[._])/, '-<hash>');
    assert.ok(section[1].includes(`\`${generic}\``), `the README's "Files to host" names ${generic}`);
  }
  // And the lines to paste are the README's (with this build's digest), fallback text and all:
  // the short form as it is, the long one with the first step inside the widget's element.
  const words = (html) => html.replace(/\s+/g, ' ').trim();
  const pasted = readme('embed-snippet', { url: 'https://forms.example.com/' });
  for (const [file, lines] of [['embed-snippet-script-only.html', pasted], ['embed-snippet.html', withDeclarative(pasted)]]) {
    const written = fs.readFileSync(path.join(DIST, file), 'utf8').replace(/^<!--[\s\S]*?-->\n/, '');
    assert.equal(words(written), words(lines), file);
    assert.ok(written.includes(`${FALLBACK}</div>`), file);
  }
});

test('a server holding only the listed files runs both embeds, and nothing else is fetched from it', async () => {
  const { script, frame } = hostingLists();
  const files = await host(folderWith([...script, ...frame]), { cors: true });
  const fromFiles = (requests) => requests.filter((r) => r.startsWith(files.url)).map((r) => new URL(r).pathname.slice(1));

  const embed = await visit(clinicPage(readme('embed-snippet', files).replace(/data-endpoint(s?)="[^"]*"/g, '')));
  await heading(embed.page, 'About you').waitFor();
  await embed.page.waitForFunction(() => window.started > 0);
  assert.equal(await embed.page.locator('[data-consultation-form]').getByRole('alert').count(), 0, 'no failure');
  // All but the full wasm, which only a script listing questionnaire files or a widget in
  // another language fetches (tests/e2e/builtin-wasm.test.mjs), and the languages' files (the
  // same: tests/e2e/languages.test.mjs): this page is in English and lists none.
  const needed = script.filter((f) => !/^consultation-widget-[0-9a-f]+_bg\.wasm$|^lang-/.test(f));
  assert.deepEqual([...new Set(fromFiles(embed.requests))].sort(), needed.sort(), 'the script embed fetches exactly its listed files');
  assert.deepEqual(embed.logs.filter((m) => m.type === 'error' || m.type === 'pageerror'), []);
  await embed.context.close();

  const framed = await visit(clinicPage(readme('iframe-snippet', files)));
  await heading(framed.page.frameLocator('iframe'), 'About you').waitFor();
  await framed.page.frameLocator('iframe').locator('body').evaluate(() => new Promise((resolve) => {
    document.addEventListener('consultation-form:ready', resolve, { once: true });
    if (window.consultationForm) resolve();
  }));
  for (const name of fromFiles(framed.requests)) {
    assert.ok(script.includes(name) || frame.includes(name), `${name} is a listed file`);
  }
  assert.deepEqual(framed.logs.filter((m) => m.type === 'error' || m.type === 'pageerror'), []);
  await framed.context.close();
});

test('files from a host sending no CORS header: the box keeps saying the form is loading, never empty', async () => {
  const files = await host(DIST); // no Access-Control-Allow-Origin: the loader itself is refused
  const { page, context, logs } = await visit(clinicPage(readme('embed-snippet', files)));
  const fallback = page.getByText(FALLBACK, { exact: true });
  await fallback.waitFor();
  // The browser's own console line names the file and CORS (nothing of the widget can run).
  await page.waitForFunction(() => document.readyState === 'complete');
  await new Promise((resolve) => {
    const seen = () => logs.some((m) => m.type === 'error' && m.text.includes('consultation-form.js') && /CORS/.test(m.text));
    if (seen()) resolve();
    else page.on('console', () => { if (seen()) resolve(); });
  });
  assert.ok((await fallback.boundingBox()).height > 0, 'the box has the text\'s height, not 0 px');
  assert.equal(await fallback.isVisible(), true);
  await context.close();
});

test('the widget\'s own files refused (CORS): the loading text, then a message with the clinic\'s contact, and the console says why', async () => {
  // A host that sends CORS with the loader only: the glue and the wasm are refused.
  const files = await host(DIST);
  files.add('/consultation-form.js', files.read('consultation-form.js'), {
    'content-type': 'text/javascript; charset=utf-8', 'access-control-allow-origin': '*',
  });
  const snippet = readme('embed-snippet', files)
    // A second widget that has no instant first step (a theme): its loading message turns too.
    + '<div id="themed" data-consultation-form data-theme-font="Georgia, serif" data-clinic-name="Glow Clinic">The consultation form is loading…</div>';
  const { page, context, logs, release } = await visit(clinicPage(snippet), { hold: true });
  const fallback = page.getByText(FALLBACK, { exact: true });
  await fallback.first().waitFor();
  assert.equal(await fallback.count(), 2);
  assert.ok((await fallback.first().boundingBox()).height > 0);

  release();
  const message = (name) => page.locator('[data-consultation-form]').getByRole('alert')
    .filter({ hasText: `The consultation form could not load. Please refresh the page, or contact ${name}` });
  await message('Glow Clinic at bookings@glow.example.').waitFor();
  await message('Glow Clinic directly.').waitFor(); // the second names no email the script lists
  assert.equal(await fallback.first().isVisible(), false);
  assert.equal(await fallback.last().isVisible(), false);
  const heard = await spoken(page);
  assert.doesNotMatch(heard, /The consultation form is loading/, 'the fallback is not read out once the loader runs');
  assert.equal(heard.match(/could not load/g).length, 2, 'each box says it once');
  // The site owner learns which file and the likely cause.
  const errors = logs.filter((m) => m.type === 'error' && m.text.startsWith('Consultation form: could not load.'));
  assert.equal(errors.length, 1, JSON.stringify(logs));
  assert.match(errors[0].text, new RegExp(`${files.url}consultation-widget-(builtin-)?[0-9a-f]+(_bg\\.wasm|\\.js) did not load: its server must send Access-Control-Allow-Origin \\(CORS\\)`));
  assert.deepEqual(logs.filter((m) => m.type === 'pageerror' || /Uncaught/.test(m.text)), [], 'no uncaught rejection');
  await context.close();
});

test('with working files the loading text is gone as soon as the first step shows, and never read out with it', async () => {
  const files = await host(DIST, { cors: true });
  const snippet = readme('embed-snippet', files).replace(/ data-endpoint="[^"]*"/, '')
    + '<div id="themed" data-consultation-form data-theme-font="Georgia, serif">The consultation form is loading…</div>';
  const { page, context, release } = await visit(clinicPage(snippet), { hold: true });
  const fallback = page.getByText(FALLBACK, { exact: true });
  await fallback.first().waitFor();
  assert.match(await spoken(page), /The consultation form is loading…/, 'before the loader: the text is there for everyone');

  release();
  await heading(page, 'About you').first().waitFor(); // the instant first step, before the wasm
  assert.equal(await fallback.first().isVisible(), false);
  await page.waitForFunction(() => window.started >= 2);
  const heard = await spoken(page);
  assert.doesNotMatch(heard, /The consultation form is loading|Loading the consultation form/);
  assert.equal(await fallback.count(), 0, 'neither box shows it');
  assert.equal(await heading(page, 'About you').count(), 2, 'both widgets drawn');
  await context.close();
});
