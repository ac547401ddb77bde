// End to end: the two wasm files of the release build (issue 22). A page on the built-in
// questionnaire downloads only the wasm without the questionnaire reader and works with it; a
// page whose embed script lists questionnaire files downloads only the full one, which reads
// them. Driven by labels, roles and visible text, as a visitor would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { start, continueButton, DIST } from './support/browser.mjs';
import { withSettings } from './support/static-server.mjs';
import { heading, fillAboutYou } from './support/visitor.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const built = fs.readdirSync(DIST);
const BUILTIN = built.find((f) => /^consultation-widget-builtin-[0-9a-f]+_bg\.wasm$/.test(f));
const FULL = built.find((f) => /^consultation-widget-[0-9a-f]+_bg\.wasm$/.test(f));

/** A fresh page at `url`, with the path of every request it makes and its page errors. */
async function visit(url) {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const requests = [];
  const problems = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname.slice(1)));
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await page.goto(url);
  return { page, context, requests, problems };
}

const wasmRequests = (requests) => requests.filter((r) => r.endsWith('.wasm'));

/** The demo page with these settings, without its wasm preload: the demo page's hint names the
 *  wasm the demo page's own script gets, and these pages test the loader's choice alone. */
const clinicPage = (attributes, lists) => env.server.add(`/page-${Math.random().toString(36).slice(2)}.html`,
  withSettings(env.server.read('index.html'), attributes, lists).replace(/<link rel="?preload"?[^>]*>/, ''));

test('the release build has both wasm files', () => {
  assert.ok(BUILTIN, `no consultation-widget-builtin-<hash>_bg.wasm in dist/: ${built.join(' ')}`);
  assert.ok(FULL, `no consultation-widget-<hash>_bg.wasm in dist/: ${built.join(' ')}`);
});

test('a page on the built-in questionnaire downloads only the wasm without the reader, and works', async () => {
  const { page, context, requests, problems } = await visit(clinicPage({ 'data-clinic-name': 'Glow Clinic' }));
  await heading(page, 'About you').waitFor();
  await fillAboutYou(page);
  await continueButton(page).click();
  // Only the wasm draws the next step.
  await heading(page, 'Your skin').waitFor();
  await page.waitForLoadState('load');
  assert.deepEqual(wasmRequests(requests), [BUILTIN]);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a page listing questionnaire files downloads only the full wasm, which shows the clinic\'s', async () => {
  const questionnaire = {
    id: 'peel', version: '1', title: 'Peel consultation',
    steps: [{ id: 'details', title: 'Your peel', questions: [
      { id: 'full_name', kind: 'text', label: 'Your name', required: true },
    ] }],
  };
  const file = env.server.add('/peel.json', JSON.stringify(questionnaire), { 'content-type': 'application/json' });
  // withSettings lists the widget's questionnaire on the embed script, as a clinic would.
  const { page, context, requests, problems } = await visit(clinicPage({ 'data-questionnaire': file }));
  await heading(page, 'Your peel').waitFor();
  await page.getByLabel('Your name').fill('Jane Example');
  await page.waitForLoadState('load');
  assert.deepEqual(wasmRequests(requests), [FULL]);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a widget on the built-in questionnaire gets the full wasm where the script lists questionnaire files', async () => {
  // The loader picks by the script's list, which covers widgets mounted later too.
  const { page, context, requests, problems } = await visit(clinicPage({}, { questionnaires: `${env.server.url}peel.json` }));
  await heading(page, 'About you').waitFor();
  await fillAboutYou(page);
  await continueButton(page).click();
  await heading(page, 'Your skin').waitFor();
  await page.waitForLoadState('load');
  assert.deepEqual(wasmRequests(requests), [FULL]);
  assert.deepEqual(problems, []);
  await context.close();
});
