// Headless Chromium from Debian, driven by playwright-core, and the helpers the end-to-end
// tests share: a visitor's view of fields (labels, roles, accessible descriptions), keyboard
// travel, and axe-core.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDirectory } from './static-server.mjs';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
export const DIST = path.resolve(here, '../../../dist');

// shared/toolchain.md: as root Chromium needs --no-sandbox; the background-networking flags
// stop it reaching for hosts this closed network cannot reach.
export const ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic',
  // A clinic's page under a real-looking host name, on this machine (hardening.test.mjs).
  '--host-resolver-rules=MAP clinic.test 127.0.0.1',
];

/** The release build on a local server (`cors`: loadable from pages on other origins), and
 *  Chromium. */
export async function start({ cors = false } = {}) {
  const server = await serveDirectory(DIST, { cors });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ARGS,
  });
  return { server, browser, close: async () => { await browser.close(); await server.close(); } };
}

/** A fresh browser context on the demo page with the widget given `settings` as data-
 *  attributes (none: the built-in defaults), collecting page errors, console errors and
 *  dialogs, which every test expects to stay empty. `ready`: the heading that shows the
 *  widget is drawn (another questionnaire has other headings); it returns once the wasm has
 *  also said it started. */
export async function openWidget(env, {
  width = 1000, height = 900, settings = {}, beforeLoad,
  ready = /About you|Check your answers|not set up correctly/,
} = {}) {
  const context = await env.browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  const page = await context.newPage();
  if (beforeLoad) await beforeLoad(page);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('dialog', (d) => { problems.push(`dialog opened: ${d.message()}`); d.dismiss(); });
  // The widget's word that its wasm has started (or could not): the first step is on screen
  // before then (issue 15), so a heading alone does not mean the wasm is there.
  await page.addInitScript(() => {
    window.widgetStarted = 0;
    for (const name of ['ready', 'failed']) {
      document.addEventListener(`consultation-form:${name}`, () => { window.widgetStarted += 1; }, true);
    }
  });
  await page.goto(env.server.page(settings));
  await page.getByRole('heading', { name: ready }).first().waitFor();
  await page.waitForFunction(() => window.widgetStarted > 0);
  return { page, context, problems };
}

export const continueButton = (page) => page.getByRole('button', { name: 'Continue', exact: true });
export const group = (page, name) => page.getByRole('group', { name });

/** What a screen reader announces with a field or group besides its name: the text of the
 *  elements its aria-describedby names. */
export function description(locator) {
  return locator.evaluate((el) => (el.getAttribute('aria-describedby') ?? '')
    .split(/\s+/).filter(Boolean)
    .map((id) => el.getRootNode().getElementById(id)?.textContent ?? '')
    .join(' '));
}

/** Presses Tab (never the mouse) until `locator` has focus. */
export async function tabTo(page, locator, limit = 80) {
  for (let i = 0; i < limit; i += 1) {
    if (await locator.evaluate((el) => el === el.getRootNode().activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`could not reach ${locator} with Tab`);
}

const WCAG_22_A_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/** Runs axe-core's WCAG 2.2 A and AA rules on the page; returns the violations. */
export async function axe(page) {
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  }
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    WCAG_22_A_AA,
  );
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => n.target.join(' ')),
  }));
}
