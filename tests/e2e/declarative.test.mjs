// End to end: the first step in the page's own HTML (issue 22, item 1). dist/embed-snippet.html
// carries it as a declarative shadow root, which the browser draws with the page, before the
// loader: here the loader is held back (Playwright routing the real file) while the visitor
// types, so "before the loader" is a state the test controls. Then the loader and the wasm take
// it over. Also: browsers without declarative shadow DOM, and the README's policy with its hash.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { start, continueButton, group } from './support/browser.mjs';
import { serveDirectory } from './support/static-server.mjs';
import { startReceiver } from './support/receiver.mjs';
import { firstSeconds, heading, styled } from './support/visitor.mjs';
import { readmePolicy } from './support/declarative.mjs';

let env; // the widget's files, on their own origin, with CORS
let site; // the clinic's pages, on another origin
let receiver;
before(async () => {
  env = await start({ cors: true });
  site = await serveDirectory(path.join(process.cwd(), 'tests/e2e'));
  site.add('/favicon.ico', '', { 'content-type': 'image/x-icon' });
  receiver = await startReceiver({ origins: [site.origin] });
});
after(async () => {
  await receiver?.close();
  await site?.close();
  await env?.close();
});

/** dist/embed-snippet.html as a clinic pastes it: the widget's files and the endpoint of this
 *  run in place of the examples. */
const snippet = () => fs.readFileSync('dist/embed-snippet.html', 'utf8')
  .replaceAll('https://forms.example.com/', env.server.url)
  .replace('data-endpoints="https://clinic.example.com"', `data-endpoints="${new URL(receiver.endpoint).origin}"`)
  .replace('https://clinic.example.com/api/consultations', receiver.endpoint);

const policy = () => readmePolicy({ widgetOrigin: env.server.origin, endpointOrigin: new URL(receiver.endpoint).origin });

/** A clinic page on the site's origin with `body`, under the README's policy. */
const clinicPage = (body, headers = { 'content-security-policy': policy() }) => site.add(
  `/clinic-${Math.random().toString(36).slice(2)}.html`,
  `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Glow Clinic</title></head><body><h1>Glow Clinic</h1>${body}</body></html>`,
  headers,
);

/** Opens `url` with `consultation-form.js` held until `releaseLoader()`, recording CSP
 *  violations, the widget's ready event, errors. */
async function visit(url) {
  const context = await env.browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  await page.addInitScript(() => {
    window.violations = [];
    window.readyHeard = 0;
    document.addEventListener('securitypolicyviolation', (e) => window.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    document.addEventListener('consultation-form:ready', () => { window.readyHeard += 1; }, true);
  });
  let releaseLoader;
  const released = new Promise((resolve) => { releaseLoader = resolve; });
  await page.route('**/consultation-form.js', async (route) => { await released; await route.continue(); });
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  return {
    page, context, problems, releaseLoader,
    loaderRan: () => page.evaluate(() => window[Symbol.for('consultation-form')] === true),
    // Waits for the widget's ready event; without one, says what the widget shows and what the
    // page reported, so a failure tells why (it failed once in CI without a trace).
    ready: () => page.waitForFunction(() => window.readyHeard > 0).catch(async (error) => {
      const shows = await page.locator('[data-consultation-form]').first()
        .evaluate((el) => {
          const root = el.shadowRoot && el.shadowRoot.querySelector('.cw-root');
          const state = {
            started: typeof window.consultationForm,
            root: root ? [...root.attributes].map((a) => a.name).join(' ') : '(none)',
            scripts: [...document.scripts].map((x) => x.src.split('/').pop()).join(' '),
            preloads: [...document.querySelectorAll('link')].map((l) => `${l.rel}:${l.href.split('/').pop()}`).join(' '),
          };
          return `${JSON.stringify(state)} ${(el.shadowRoot ? el.shadowRoot.textContent : '(no shadow root)').replace(/\s+/g, ' ').slice(0, 200)}`;
        })
        .catch((e) => `(unreadable: ${e.message})`);
      throw new Error(`no ready event: ${error.message}\nthe widget shows: ${shows}\nthe page reported: ${problems.join(' | ') || 'nothing'}`);
    }),
  };
}

test('the pasted snippet\'s first step works before the loader arrives, and everything done there is kept when it takes over', async () => {
  const v = await visit(clinicPage(snippet()));
  const { page } = v;
  await heading(page, 'About you').waitFor();
  assert.equal(await v.loaderRan(), false, 'drawn before the loader ran');
  assert.equal(await page.getByLabel('Full name').isVisible(), true, 'the first field is there, labelled');
  assert.equal(await styled(page), true, 'styled by its own <style>, which the README\'s policy allows by its hash');

  const name = await firstSeconds(page);
  // Enter submits the form before any script is there: it must go nowhere (no answers in the
  // page's address, no reload that loses them).
  const address = page.url();
  await page.keyboard.press('Enter');
  assert.equal(page.url(), address);
  // The caret goes back after the J: the missing letter is typed once the widget is there.
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');

  v.releaseLoader();
  await v.ready();
  assert.equal(await v.loaderRan(), true);
  await page.keyboard.type('a');
  assert.equal(await name.inputValue(), 'Jane Example', 'text and caret kept');
  assert.equal(await name.evaluate((el) => el === el.getRootNode().activeElement), true, 'focus kept');
  assert.equal(await page.getByLabel('Email address').inputValue(), 'name@example.com');
  assert.equal(await page.getByLabel('I confirm I am 18 or over').isChecked(), true);
  assert.equal(await group(page, 'How would you prefer us to contact you? (optional)').getByLabel('Phone').isChecked(), true);
  assert.equal(page.url(), address);

  // The widget's own now: Continue checks the step and goes on; Back shows the answers.
  await continueButton(page).click();
  await heading(page, 'Your skin').waitFor();
  await page.getByRole('button', { name: 'Back', exact: true }).click();
  await heading(page, 'About you').waitFor();
  assert.equal(await page.getByLabel('Full name').inputValue(), 'Jane Example');
  assert.equal(await styled(page), true);
  assert.deepEqual(await page.evaluate(() => window.violations), [], 'no CSP violation under the README\'s policy');
  assert.deepEqual(v.problems, []);
  await v.context.close();
});

test('a Continue pressed on the taken-over step checks it: Required field missing', async () => {
  const v = await visit(clinicPage(snippet()));
  const { page } = v;
  await page.getByLabel('Full name').fill('Jane Example');
  v.releaseLoader();
  await v.ready();
  await continueButton(page).click();
  const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
  await summary.waitFor();
  assert.match(await summary.textContent(), /Email address: Required field missing/);
  assert.doesNotMatch(await summary.textContent(), /Full name/);
  assert.deepEqual(v.problems, []);
  await v.context.close();
});

/**
 * Runs in the page before the loader is released. Makes yew 0.23's yield between drawing a step
 * and running its effects (once a render has run 16 ms, where the widget's ready event comes
 * from) happen every time: Date.now jumps 20 ms at each call, so every render is "long". Notes in
 * `window.gap.readyBeforeDrawn`, the moment the wasm draws its own field `id` in place of the
 * loader's, whether the ready event was already heard; with `answer`, types it there and then.
 */
function openTheGap({ id, answer }) {
  const shadow = document.querySelector('[data-consultation-form]').shadowRoot;
  const drawn = shadow.getElementById(id);
  window.gap = {};
  new MutationObserver((_, watch) => {
    const control = shadow.getElementById(id);
    if (!control || control === drawn) return;
    watch.disconnect();
    window.gap.readyBeforeDrawn = window.readyHeard > 0;
    if (answer) {
      control.value = answer;
      control.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    }
  }).observe(shadow, { childList: true, subtree: true });
  const now = Date.now.bind(Date);
  let skew = 0;
  Date.now = () => now() + (skew += 20);
}

test('a keystroke the moment the wasm has drawn the step lands in the field, even when yew yields before its ready event', async () => {
  // On a busy machine the gap is there, and a keystroke in it, with focus on nothing, was lost
  // (CI, 2026-12-06: "Jane Example" typed, "" kept): the focus must be back in it, before the
  // ready event.
  const v = await visit(clinicPage(snippet()));
  const { page } = v;
  const name = page.getByLabel('Full name');
  await name.fill('Jane Exampl');
  const id = await name.evaluate((el) => el.id);
  await page.evaluate(openTheGap, { id });
  await page.evaluate((id) => {
    const shadow = document.querySelector('[data-consultation-form]').shadowRoot;
    const drawn = shadow.getElementById(id);
    window.addEventListener('consultation-form:ready', () => {
      const control = shadow.getElementById(id);
      window.gap.focusedAtReady = control !== drawn && shadow.activeElement === control;
    }, { capture: true, once: true });
  }, id);
  v.releaseLoader();
  await v.ready();
  assert.deepEqual(await page.evaluate(() => window.gap), { readyBeforeDrawn: false, focusedAtReady: true },
    'drawn in one task, ready in a later one (the gap), and the focus back in between');
  await page.keyboard.type('e');
  assert.equal(await name.inputValue(), 'Jane Example');
  assert.deepEqual(v.problems, []);
  await v.context.close();
});

test('an answer given in that gap, before the widget\'s first effects, still lets it say ready, and is kept', async () => {
  // An answer typed in the gap is an action before the widget's first effects ran. Those then
  // saw a later state and never said ready, so the page never heard it (CI, 2026-12-07:
  // "without declarative shadow DOM…" timed out waiting).
  const v = await visit(clinicPage(snippet()));
  const { page } = v;
  const id = await page.getByLabel('Full name').evaluate((el) => el.id);
  await page.evaluate(openTheGap, { id, answer: 'Jane Example' });
  v.releaseLoader();
  await v.ready();
  assert.deepEqual(await page.evaluate(() => window.gap), { readyBeforeDrawn: false }, 'typed in the gap');
  assert.equal(await page.getByLabel('Full name').inputValue(), 'Jane Example');
  await continueButton(page).click();
  await page.getByRole('alert').filter({ hasText: 'Email address: Required field missing' }).waitFor();
  assert.doesNotMatch(await page.getByRole('alert').filter({ hasText: 'There is a problem' }).textContent(), /Full name/,
    'the answer typed in the gap is the flow\'s');
  assert.deepEqual(v.problems, []);
  await v.context.close();
});

test('without declarative shadow DOM the loader draws the step itself, and the inert template changes nothing', async () => {
  // Firefox before 123 and Safari before 16.4 parse the snippet's <template shadowrootmode>
  // as a plain, inert <template> inside the widget's element. Chromium 156 has no switch to
  // turn the feature off (--disable-blink-features=DeclarativeShadowDOM is ignored: tried), but
  // the HTML fragment parser (innerHTML) never attaches a declarative root either, and leaves
  // exactly that DOM: so the page puts the snippet in by innerHTML (from a script of its own
  // origin, which the policy allows), then runs the loader as its <script> would.
  const script = site.add('/old-browser.js', `
    const place = document.getElementById('place');
    place.innerHTML = ${JSON.stringify(snippet())};
    const inert = place.querySelector('script');
    const loader = document.createElement('script');
    for (const { name, value } of inert.attributes) loader.setAttribute(name, value);
    inert.replaceWith(loader);
  `, { 'content-type': 'text/javascript' });
  const v = await visit(clinicPage(`<div id="place"></div><script src="${script}"></script>`));
  const { page } = v;
  const host = page.locator('[data-consultation-form]');
  await host.waitFor({ state: 'attached' });
  assert.equal(await host.evaluate((el) => el.shadowRoot === null && el.querySelector('template[shadowrootmode]') !== null), true,
    'the template is inert and the element has no shadow root yet, as in a browser without the feature');
  assert.equal(await heading(page, 'About you').count(), 0, 'nothing drawn before the loader');
  v.releaseLoader();
  await heading(page, 'About you').waitFor();
  await page.getByLabel('Full name').fill('Jane Example');
  await v.ready();
  // Once the wasm has drawn (the loader's step may be being replaced until then).
  assert.equal(await styled(page), true, 'styled by the stylesheet the loader carries');
  assert.equal(await page.getByLabel('Full name').inputValue(), 'Jane Example');
  await continueButton(page).click();
  await page.getByRole('alert').filter({ hasText: 'Email address: Required field missing' }).waitFor();
  assert.equal(await page.getByRole('textbox', { name: 'Full name' }).count(), 1, 'one form, not the template\'s as well');
  assert.deepEqual(await page.evaluate(() => window.violations), []);
  assert.deepEqual(v.problems, []);
  await v.context.close();
});

test('under a policy without the hash, the step waits unstyled for the loader, which styles it', async () => {
  const without = policy().replace(/ 'sha256-[^']+'/, '');
  const v = await visit(clinicPage(snippet(), { 'content-security-policy': without }));
  const { page } = v;
  await heading(page, 'About you').waitFor();
  assert.equal(await styled(page), false, 'the <style> is refused');
  assert.match((await page.evaluate(() => window.violations)).join(), /style-src/);
  v.releaseLoader();
  await v.ready();
  assert.equal(await styled(page), true, 'styled by the loader\'s copy');
  await v.context.close();
});
