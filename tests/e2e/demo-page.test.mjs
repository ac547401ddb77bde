// End to end: the demo clinic pages as built (dist/index.html with the build's preload hints,
// dist/iframe-demo.html), as a newcomer first sees them after the serve command: a designed
// system font (not Georgia falling back to Times), the widget's box lined up with the page's
// text column, and a console with nothing in it. Real server on 127.0.0.1, headless Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { start, DIST } from './support/browser.mjs';
import { serveDirectory } from './support/static-server.mjs';
import { heading } from './support/visitor.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

/** The built demo page at `width`, once the widget's wasm has started; every console message
 *  and uncaught error of the load. */
async function demo(name, width) {
  const context = await env.browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  const messages = [];
  const requests = [];
  page.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  page.on('pageerror', (e) => messages.push(`page error: ${e.message}`));
  await page.addInitScript(() => {
    window.started = new Promise((resolve) => {
      document.addEventListener('consultation-form:ready', resolve, { capture: true, once: true });
    });
  });
  await page.goto(new URL(name, env.server.url).href);
  return { page, context, messages, requests };
}

const bodyFont = (page) => page.evaluate(() => getComputedStyle(document.body).fontFamily);

for (const name of ['index.html', 'iframe-demo.html']) {
  test(`${name}: the body font is a system sans-serif stack, not Georgia`, async () => {
    const { page, context } = await demo(name, 1000);
    const font = await bodyFont(page);
    assert.doesNotMatch(font, /Georgia|Times/i);
    assert.match(font, /^system-ui\b/);
    assert.match(font, /\bsans-serif$/);
    await context.close();
  });
}

for (const width of [1000, 390]) {
  test(`the widget's box starts at the page heading's left edge (${width} px wide)`, async () => {
    const { page, context } = await demo('index.html', width);
    await heading(page, 'About you').waitFor();
    await page.evaluate(() => window.started);
    // The box a visitor sees: the form's own region, with its background and padding.
    const box = await page.getByRole('region', { name: 'Microneedling consultation' }).boundingBox();
    const title = await page.getByRole('heading', { level: 1, name: 'Microneedling' }).boundingBox();
    assert.ok(Math.abs(box.x - title.x) <= 1, `widget at ${box.x} px, heading at ${title.x} px`);
    // And no wider than the column: it does not spill past the text on the right either.
    const paragraph = await page.locator('main .lead').boundingBox();
    assert.ok(box.x + box.width <= paragraph.x + paragraph.width + 1, 'within the text column');
    await context.close();
  });
}

for (const width of [1000, 390]) {
  test(`iframe-demo.html: the widget's box in the frame starts at the page heading's left edge (${width} px wide)`, async () => {
    const { page, context } = await demo('iframe-demo.html', width);
    const frame = page.frameLocator('iframe[title="Consultation form"]');
    await heading(frame, 'About you').waitFor();
    const box = await frame.getByRole('region', { name: 'Microneedling consultation' }).boundingBox();
    const title = await page.getByRole('heading', { level: 1 }).boundingBox();
    assert.ok(Math.abs(box.x - title.x) <= 1, `widget at ${box.x} px, heading at ${title.x} px`);
    await context.close();
  });
}

test('a load of the demo page logs no console warning or error (the preload hints included)', async () => {
  const { page, context, messages, requests } = await demo('index.html', 1000);
  await page.evaluate(() => window.started);
  await heading(page, 'About you').waitFor();
  await page.waitForLoadState('load');
  assert.deepEqual(messages.filter((m) => /^(warning|error|page error): /.test(m)), []);
  // Each preload was the download the loader used (Chromium's "preloaded but not used" warning
  // would come seconds later): the glue and the wasm were each fetched once.
  // (One wasm of the two: the demo page's script lists no questionnaire files, so its preload
  // and its loader name the one without the questionnaire reader.)
  assert.equal(requests.filter((r) => /^\/consultation-widget-(builtin-)?[0-9a-f]+_bg\.wasm$/.test(r)).length, 1, requests.join(' '));
  assert.equal(requests.filter((r) => /^\/consultation-widget-[0-9a-f]+\.js$/.test(r)).length, 1, requests.join(' '));
  await context.close();
});

test('the demo page\'s wasm preload carries no digest, yet a changed byte is still refused', async () => {
  // The loader's fetch() checks the digest on what the preload fetched (README, Security).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-tampered-'));
  fs.cpSync(DIST, dir, { recursive: true });
  // The wasm the demo page loads: the one without the questionnaire reader (its script lists no
  // questionnaire files).
  const name = fs.readdirSync(dir).find((f) => /^consultation-widget-builtin-[0-9a-f]+_bg\.wasm$/.test(f));
  assert.match(fs.readFileSync(path.join(dir, 'index.html'), 'utf8'), new RegExp(`<link rel="preload" href="${name}" as="fetch"`));
  const bytes = fs.readFileSync(path.join(dir, name));
  bytes[Math.floor(bytes.length / 2)] ^= 0x01;
  fs.writeFileSync(path.join(dir, name), bytes);
  const server = await serveDirectory(dir);
  const context = await env.browser.newContext();
  try {
    const page = await context.newPage();
    const requests = [];
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    await page.goto(server.url);
    await page.locator('[data-consultation-form]').getByRole('alert')
      .filter({ hasText: 'The consultation form could not load.' }).waitFor();
    assert.equal(requests.filter((r) => r === `/${name}`).length, 1, 'fetched once, and refused');
  } finally {
    await context.close();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
