// End to end: signed consent (issue 23), driven as a visitor would, by labels, roles and visible
// text. Signing by typing is always there and works by keyboard alone; drawing with a pointer is
// optional, kept as numbers in the core's 600 by 200 box, and cleared with Clear; the receiver
// takes a submission only with its own digest of the consent words; the visitor saves a copy.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { start, openWidget, continueButton, description, tabTo, axe } from './support/browser.mjs';
import { startReceiver, schemaValidator } from './support/receiver.mjs';
import { SIGNER, STEPS, heading, fillConsent } from './support/visitor.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let env;
let receiver;
let schemaErrors;
let questionnaire;
before(async () => {
  env = await start();
  receiver = await startReceiver({ origins: [env.server.origin] });
  schemaErrors = await schemaValidator();
  questionnaire = JSON.parse(await fs.readFile(path.join(ROOT, 'src/core/default_questionnaire.json'), 'utf8'));
});
after(async () => {
  await receiver?.close();
  await env?.close();
});
beforeEach(async () => { await receiver.control({ reset: true }); });

const sending = () => ({ 'data-clinic-name': 'Glow Clinic', 'data-endpoint': receiver.endpoint });
const consents = () => questionnaire.steps.flatMap((s) => s.questions).filter((q) => q.consent_version);
const pad = (page) => page.getByRole('img', { name: 'Signature drawing (optional)' });
const signature = (page) => page.getByLabel('Your signature');

/** The consent words' digest worked out here, apart from the widget and the receiver: the
 *  canonical form core::consent defines, hashed with Node's SHA-256. */
function expectedDigest() {
  const words = consents().map((q) => [q.id, q.label, q.hint ?? '', q.text ?? '', q.consent_version]);
  return crypto.createHash('sha256').update(JSON.stringify(['consent-texts/1', ...words])).digest('hex');
}

/** Answers the four steps before Consent, ending on it. */
async function toConsent(page) {
  for (const [title, fill] of STEPS.slice(0, 4)) {
    await heading(page, title).waitFor();
    await fill(page);
    await continueButton(page).click();
  }
  await heading(page, 'Consent').waitFor();
}

/** Draws a stroke across the drawing box with the mouse, from and to fractions of its size. */
async function drawWithMouse(page, from, to) {
  // The mouse moves within the viewport: the box is scrolled into it first, as a visitor would.
  await pad(page).scrollIntoViewIfNeeded();
  const box = await pad(page).boundingBox();
  const at = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
  await page.mouse.move(...at(from));
  await page.mouse.down();
  await page.mouse.move(...at(to), { steps: 12 });
  await page.mouse.up();
}

/** How many pixels of the drawing box are painted. */
const inked = (page) => pad(page).evaluate((canvas) => {
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let n = 0;
  for (let i = 3; i < data.length; i += 4) n += data[i] > 0 ? 1 : 0;
  return n;
});

/** Submits from the review, returning the request's JSON body and the response's status. */
async function submitAndWatch(page, press) {
  const request = page.waitForRequest((r) => r.url() === receiver.endpoint && r.method() === 'POST');
  const response = page.waitForResponse((r) => r.url() === receiver.endpoint && r.request().method() === 'POST');
  await press();
  const [req, res] = await Promise.all([request, response]);
  await heading(page, 'Your answers have been sent').waitFor();
  return { body: req.postDataJSON(), status: res.status() };
}

/** The receiver's stored record of this submission (the database outlives each test). */
async function storedAs(body) {
  const found = (await receiver.stored()).filter((s) => s.submission_id === body.submission_id);
  assert.equal(found.length, 1, 'stored once');
  return found[0];
}

const isFocused = (locator) => locator.evaluate((el) => el === el.getRootNode().activeElement);

test('sign by typing, keyboard only: Tab, typing and Enter, and the receiver accepts it', async () => {
  const { page, context, problems } = await openWidget(env, { settings: sending() });
  await toConsent(page);
  const kb = page.keyboard;
  for (const name of [
    'I have read and understand the risks', 'I have read the aftercare advice',
    'I confirm the information I have given is accurate', 'I agree that the clinic may store and use',
  ]) {
    await tabTo(page, page.getByRole('checkbox', { name }));
    await kb.press('Space');
  }
  await tabTo(page, signature(page));
  await kb.type(SIGNER);
  // The drawing box is no stop for the keyboard: from the name, Tab reaches Clear, then Continue.
  await kb.press('Tab');
  assert.ok(await isFocused(page.getByRole('button', { name: 'Clear drawing' })));
  await kb.press('Tab');
  assert.ok(await isFocused(continueButton(page)));
  await kb.press('Enter');
  await heading(page, 'Check your answers').waitFor();
  assert.ok(await page.getByText(`Signed by ${SIGNER}`, { exact: true }).isVisible());
  await tabTo(page, page.getByRole('button', { name: 'Submit', exact: true }));
  const { body, status } = await submitAndWatch(page, () => kb.press('Enter'));

  assert.equal(status, 201, 'the receiver took it: the digest is its own');
  assert.deepEqual(schemaErrors(body), []);
  assert.equal(body.signature.signer, SIGNER);
  assert.deepEqual(body.signature.strokes, []);
  assert.equal(body.signature.signed_at, body.completed_at);
  assert.equal(body.signature.consent_digest, expectedDigest());
  const stored = await storedAs(body);
  assert.deepEqual(schemaErrors(stored), []);
  assert.equal(stored.signature.consent_digest, expectedDigest());
  assert.equal(stored.signature.signer, SIGNER);
  assert.equal(stored.answers.find((a) => a.question_id === 'signature').value, SIGNER);
  assert.deepEqual(problems, []);
  await context.close();
});

test('sign by drawing with the mouse: the strokes are numbers in the box, sent and stored', async () => {
  const { page, context, problems } = await openWidget(env, { settings: sending() });
  await toConsent(page);
  await fillConsent(page);
  assert.equal(await inked(page), 0);
  await drawWithMouse(page, [0.1, 0.6], [0.5, 0.3]);
  await drawWithMouse(page, [0.55, 0.5], [0.9, 0.7]);
  assert.ok(await inked(page) > 100, 'the strokes show as drawn');
  // A pen lifted outside the box stays in it: the points are clamped.
  await drawWithMouse(page, [0.9, 0.9], [1.4, 1.6]);
  await continueButton(page).click();
  await heading(page, 'Check your answers').waitFor();
  const { body, status } = await submitAndWatch(page, () => page.getByRole('button', { name: 'Submit', exact: true }).click());

  assert.equal(status, 201);
  assert.deepEqual(schemaErrors(body), []);
  const { strokes } = body.signature;
  assert.equal(strokes.length, 3, JSON.stringify(strokes));
  for (const stroke of strokes) {
    assert.ok(stroke.length >= 4 && stroke.length % 2 === 0, JSON.stringify(stroke));
    stroke.forEach((n, i) => {
      assert.ok(Number.isInteger(n) && n >= 0 && n <= (i % 2 ? 200 : 600), `${n} at ${i}`);
    });
  }
  // The first stroke starts where the mouse went down: 10% across, 60% down the 600 by 200 box.
  assert.ok(Math.abs(strokes[0][0] - 60) <= 3 && Math.abs(strokes[0][1] - 120) <= 3, `${strokes[0].slice(0, 2)}`);
  assert.deepEqual(strokes[2].slice(-2), [600, 200], 'clamped to the box');
  assert.deepEqual((await storedAs(body)).signature.strokes, strokes);

  // The visitor's copy: every consent's words, the signer, and the drawing as SVG.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Save a copy of what you agreed (.html)' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^consultation-copy-[0-9A-F]{4}-[0-9A-F]{4}\.html$/);
  const copy = await fs.readFile(await download.path(), 'utf8');
  const esc = (s) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;').replaceAll("'", '&#39;');
  for (const q of consents()) {
    for (const words of [q.label, q.text, q.hint, q.consent_version].filter(Boolean)) {
      assert.ok(copy.includes(esc(words)), `${q.id}: ${words}`);
    }
  }
  assert.ok(copy.includes(`Signed by <b><bdi>${SIGNER}</bdi></b>`));
  assert.match(copy, /<svg [^>]*viewBox="0 0 600 200"[^>]*><path d="M\d+ \d+L[\dML ]+"/);
  assert.ok(copy.includes(expectedDigest()));
  assert.ok(copy.includes('@media print'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('Clear removes the drawing; Change and a reload show it again as drawn', async () => {
  const { page, context, problems } = await openWidget(env, { settings: sending() });
  await toConsent(page);
  await fillConsent(page);
  await drawWithMouse(page, [0.2, 0.5], [0.8, 0.5]);
  const drawn = await inked(page);
  assert.ok(drawn > 100);
  await continueButton(page).click();
  await heading(page, 'Check your answers').waitFor();
  await page.getByRole('link', { name: 'Change Your signature' }).click();
  await heading(page, 'Consent').waitFor();
  assert.equal(await inked(page), drawn, 'drawn again from the numbers kept');
  // A reload restores the draft on this step, the drawing with it.
  await page.reload();
  await heading(page, 'Consent').waitFor();
  await pad(page).evaluate(() => new Promise((r) => requestAnimationFrame(r)));
  assert.equal(await inked(page), drawn, 'drawn again from the draft');
  await page.getByRole('button', { name: 'Clear drawing' }).click();
  assert.equal(await inked(page), 0);
  assert.equal(await signature(page).inputValue(), SIGNER, 'Clear keeps the typed name');
  await continueButton(page).click();
  await heading(page, 'Check your answers').waitFor();
  const { body, status } = await submitAndWatch(page, () => page.getByRole('button', { name: 'Submit', exact: true }).click());
  assert.equal(status, 201);
  assert.deepEqual(body.signature.strokes, []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an empty signature: "Required field missing" in the error summary and at the field; drawing alone is not signing', async () => {
  const { page, context, problems } = await openWidget(env);
  await toConsent(page);
  await fillConsent(page);
  await signature(page).fill('');
  await drawWithMouse(page, [0.2, 0.5], [0.8, 0.5]);
  await continueButton(page).click();
  const summary = page.getByRole('alert');
  await summary.waitFor();
  const link = summary.getByRole('link', { name: 'Your signature' });
  assert.match(await link.textContent(), /Required field missing/);
  assert.match(await description(signature(page)), /Error: Required field missing/);
  assert.equal(await signature(page).getAttribute('aria-invalid'), 'true');
  await link.click();
  assert.ok(await isFocused(signature(page)), 'the summary link goes to the name');
  assert.ok(await inked(page) > 100, 'the drawing stays');
  assert.deepEqual(problems, []);
  await context.close();
});

test('axe-core finds no WCAG 2.2 A or AA violation on the consent step, with and without errors', async () => {
  const { page, context, problems } = await openWidget(env);
  await toConsent(page);
  assert.deepEqual(await axe(page), [], 'clean');
  assert.equal(await pad(page).getAttribute('tabindex'), null, 'the canvas takes no focus');
  await continueButton(page).click();
  await page.getByRole('alert').waitFor();
  assert.deepEqual(await axe(page), [], 'errors');
  await drawWithMouse(page, [0.2, 0.5], [0.8, 0.5]);
  assert.deepEqual(await axe(page), [], 'drawn');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a questionnaire file\'s consent words are hashed with WebCrypto: the same words are taken, changed ones refused', async () => {
  // The built-in questionnaire served as a file: the full wasm hashes its words in the browser,
  // and the receiver, which publishes the same version, takes the submission (201). The same
  // file with one consent word changed is refused (422): words the clinic did not publish.
  const text = JSON.stringify(questionnaire);
  const changed = text.replace('infection, allergic reaction', 'infections, allergic reaction');
  assert.notEqual(changed, text, 'the changed file changes a consent word');
  for (const [name, body, expected] of [['same', text, 201], ['changed', changed, 422]]) {
    const file = env.server.add(`/consent-${name}.json`, body, { 'content-type': 'application/json' });
    const { page, context, problems } = await openWidget(env, { settings: { ...sending(), 'data-questionnaire': file } });
    await toConsent(page);
    await fillConsent(page);
    await continueButton(page).click();
    await heading(page, 'Check your answers').waitFor();
    const response = page.waitForResponse((r) => r.url() === receiver.endpoint && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    const res = await response;
    assert.equal(res.status(), expected, name);
    const sent = res.request().postDataJSON();
    if (expected === 201) {
      assert.equal(sent.signature.consent_digest, expectedDigest());
      await heading(page, 'Your answers have been sent').waitFor();
    } else {
      const refusal = await res.json();
      assert.equal(refusal.errors[0].code, 'consent-digest-mismatch', JSON.stringify(refusal));
      await page.getByRole('alert').filter({ hasText: 'Your answers have not been sent' }).waitFor();
      // Console errors of the refused request are the browser's, not the widget's.
      problems.length = 0;
    }
    assert.deepEqual(problems, []);
    await context.close();
  }
});
