// End to end: the instant first step (issue 15). The embed script shows the built-in first
// step, rendered at build time by the widget's own view, before the wasm has arrived; the wasm
// then takes it over. Here the test server's wasm is held back (Playwright routing the real
// file) until the visitor has acted, so "before the wasm" is a state the test controls, not a
// race. Real servers on 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, axe, continueButton, group } from './support/browser.mjs';
import { firstSeconds, heading } from './support/visitor.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

/** A fresh page on `settings` whose wasm waits for `release()`. `ready()` resolves once the
 *  widget has said it is ready (its `ready` event, which it sends once it has drawn). */
async function heldBack(settings = {}, { context: given } = {}) {
  const context = given ?? await env.browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  let asked = 0;
  await page.route(/_bg\.wasm$/, async (route) => {
    asked += 1;
    await released;
    await route.continue();
  });
  await page.addInitScript(() => {
    window.readyHeard = 0;
    document.addEventListener('consultation-form:ready', () => { window.readyHeard += 1; }, true);
  });
  await page.goto(env.server.page(settings));
  return {
    page,
    context,
    problems,
    release,
    asked: () => asked,
    ready: () => page.waitForFunction(() => window.readyHeard > 0),
    heardReady: () => page.evaluate(() => window.readyHeard),
  };
}

/** The widget's drawing as a list of lines: each element with its attributes in order of
 *  name, the state of its controls (`value`, `checked`: a property in the browser's drawing,
 *  an attribute in the build's HTML), and each text. */
const drawing = (page) => page.evaluate(() => {
  const root = document.querySelector('[data-consultation-form]').shadowRoot.querySelector('.cw');
  const lines = [];
  const walk = (node, depth) => {
    const pad = ' '.repeat(depth);
    if (node.nodeType === Node.TEXT_NODE) {
      lines.push(`${pad}"${node.data}"`);
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const attrs = [...node.attributes].map((a) => a.name).filter((n) => n !== 'value' && n !== 'checked').sort()
      .map((n) => `${n}=${JSON.stringify(node.getAttribute(n))}`);
    if (node.tagName === 'INPUT' || node.tagName === 'TEXTAREA') attrs.push(`.value=${JSON.stringify(node.value)}`, `.checked=${node.checked}`);
    lines.push(`${pad}<${node.tagName.toLowerCase()} ${attrs.join(' ')}>`);
    for (const child of node.childNodes) walk(child, depth + 1);
  };
  walk(root, 0);
  return lines;
});

test('the first step is there before the wasm; the wasm takes over with every answer, the focus and the caret kept', async () => {
  const visit = await heldBack();
  const { page } = visit;
  await heading(page, 'About you').waitFor();
  assert.equal(await visit.heardReady(), 0, 'drawn before the wasm started');
  assert.equal(visit.asked(), 1, 'the wasm was asked for and is being held');

  // What a visitor does in those first seconds, as a visitor does it.
  const name = await firstSeconds(page);
  // The caret goes back after the J: the missing letter is typed once the wasm is there.
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');

  visit.release();
  await visit.ready();
  await page.keyboard.type('a');
  assert.equal(await name.inputValue(), 'Jane Example');
  assert.equal(await name.evaluate((el) => el === el.getRootNode().activeElement), true, 'focus kept');
  assert.equal(await page.getByLabel('Email address').inputValue(), 'name@example.com');
  assert.equal(await page.getByLabel('I confirm I am 18 or over').isChecked(), true);
  assert.equal(await group(page, 'How would you prefer us to contact you? (optional)').getByLabel('Phone').isChecked(), true);

  // The answers are the widget's own now: Continue checks them as usual, and Back shows them.
  await continueButton(page).click();
  await heading(page, 'Your skin').waitFor();
  await page.getByRole('button', { name: 'Back', exact: true }).click();
  await heading(page, 'About you').waitFor();
  assert.equal(await page.getByLabel('Full name').inputValue(), 'Jane Example');
  assert.equal(await group(page, 'How would you prefer us to contact you? (optional)').getByLabel('Phone').isChecked(), true);
  assert.deepEqual(visit.problems, []);
  await visit.context.close();
});

test('a Continue pressed before the wasm starts says the form is getting ready, and is carried out once it does', async () => {
  const visit = await heldBack();
  const { page } = visit;
  await heading(page, 'About you').waitFor();
  const address = page.url();
  await page.getByLabel('Full name').fill('Jane Example');
  await continueButton(page).click();
  await page.getByRole('status').filter({ hasText: 'Getting the form ready…' }).waitFor();
  assert.equal(page.url(), address, 'the page did not submit itself: no answers in the address');
  assert.equal(await visit.heardReady(), 0);

  visit.release();
  // The step's own check, as if Continue were pressed now: the email and the age box are missing.
  const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
  await summary.waitFor();
  assert.match(await summary.textContent(), /Email address: Required field missing/);
  assert.match(await summary.textContent(), /Your age: Required field missing/);
  assert.doesNotMatch(await summary.textContent(), /Full name/);
  assert.equal(await summary.evaluate((el) => el === el.getRootNode().activeElement), true, 'focus on the summary');
  assert.equal(await page.getByText('Getting the form ready…').count(), 0);
  assert.deepEqual(visit.problems, []);
  await visit.context.close();
});

test('the build-time first step is exactly the widget\'s own first drawing', async () => {
  const visit = await heldBack();
  await heading(visit.page, 'About you').waitFor();
  const built = await drawing(visit.page);
  visit.release();
  await visit.ready();
  const drawn = await drawing(visit.page);
  assert.ok(built.length > 50, 'the whole step was compared');
  assert.deepEqual(built, drawn);
  await visit.context.close();
});

test('the pre-rendered step: no axe violation, and masked from session-replay tools from the start', async () => {
  const visit = await heldBack();
  await heading(visit.page, 'About you').waitFor();
  assert.deepEqual(await axe(visit.page), []);
  const root = visit.page.locator('[data-consultation-form] .cw-root');
  assert.match(await root.getAttribute('class'), /\bfs-exclude\b.*\brr-block\b.*\bph-no-capture\b/);
  for (const name of ['data-hj-suppress', 'data-clarity-mask', 'data-private']) {
    assert.notEqual(await root.getAttribute(name), null, name);
  }
  assert.equal(await visit.heardReady(), 0);
  visit.release();
  await visit.ready();
  await visit.context.close();
});

test('a custom questionnaire, a theme or a waiting draft get the loading message until the wasm has them', async () => {
  const custom = {
    id: 'peel-consultation', version: '2', title: 'Chemical peel consultation',
    steps: [{ id: 'contact', title: 'Your details', questions: [{ id: 'full_name', kind: 'text', label: 'Your name', required: true }] }],
  };
  const file = env.server.add('/instant-peel.json', JSON.stringify(custom), { 'content-type': 'application/json' });
  for (const [settings, first] of [
    [{ 'data-questionnaire': file }, 'Your details'],
    [{ 'data-theme-font': 'Georgia, serif' }, 'About you'],
  ]) {
    const visit = await heldBack(settings);
    const loading = visit.page.getByRole('status').filter({ hasText: 'Loading the consultation form…' });
    await loading.waitFor();
    assert.equal(await visit.page.getByRole('textbox').count(), 0, `${JSON.stringify(settings)}: no form yet`);
    visit.release();
    await heading(visit.page, first).waitFor();
    assert.equal(await loading.count(), 0);
    assert.deepEqual(visit.problems, []);
    await visit.context.close();
  }

  // A draft on step 2: the widget restores it there, so step 1 is not shown in the meantime.
  // The embed script looks for it where the widget keeps it, by the names and the rule the
  // build gives it from the widget's code (src/bin/prerender.rs): the questionnaire and the
  // widget's place, in sessionStorage by default; the host's id, in localStorage if the clinic
  // says so. The keys are those of drafts already stored: a public contract.
  for (const [settings, storage, key] of [
    [{}, 'sessionStorage', 'consultation-widget:draft:microneedling-consultation-0'],
    [{ id: 'intake', 'data-draft-storage': 'local' }, 'localStorage', 'consultation-widget:draft:intake'],
  ]) {
    const context = await env.browser.newContext();
    const first = await heldBack(settings, { context });
    first.release();
    await first.ready();
    await first.page.getByLabel('Full name').fill('Jane Example');
    await first.page.getByLabel('Email address').fill('name@example.com');
    await first.page.getByLabel('I confirm I am 18 or over').check();
    await continueButton(first.page).click();
    await heading(first.page, 'Your skin').waitFor();
    assert.deepEqual(await first.page.evaluate((s) => Object.keys(window[s]), storage), [key]);
    // The same tab (sessionStorage is per tab): reloaded with the wasm held back again.
    let release;
    const released = new Promise((resolve) => { release = resolve; });
    await first.page.unroute(/_bg\.wasm$/);
    await first.page.route(/_bg\.wasm$/, async (route) => { await released; await route.continue(); });
    await first.page.reload();
    await first.page.getByRole('status').filter({ hasText: 'Loading the consultation form…' }).waitFor();
    assert.equal(await heading(first.page, 'About you').count(), 0, `${storage}: no step 1 over a draft of step 2`);
    release();
    await heading(first.page, 'Your skin').waitFor();
    assert.deepEqual(first.problems, []);
    if (settings.id) {
      // Another widget's draft is not this one's: one of another id gets the first step at once.
      const other = await heldBack({ ...settings, id: 'another' }, { context });
      await heading(other.page, 'About you').waitFor();
      assert.equal(await other.heardReady(), 0, 'drawn by the embed script, before the wasm');
      assert.deepEqual(other.problems, []);
    }
    await context.close();
  }
});

test('when the wasm cannot load, the drawn step says so and keeps what was typed', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  let fail;
  const failing = new Promise((resolve) => { fail = resolve; });
  await page.route(/_bg\.wasm$/, async (route) => { await failing; await route.abort('connectionreset'); });
  await page.goto(env.server.page({}));
  await page.getByLabel('Full name').fill('Jane Example');
  fail();
  await page.getByRole('alert').filter({ hasText: 'The consultation form could not load' }).waitFor();
  assert.equal(await page.getByLabel('Full name').inputValue(), 'Jane Example');
  assert.equal(await continueButton(page).isDisabled(), true);
  await context.close();
});
