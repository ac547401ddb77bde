// End to end: submissions reach a real receiver process on 127.0.0.1, and no answer is ever
// lost: failures, a receiver that is down, hangs, double clicks, field errors, reloads,
// drafts, and the no-endpoint path.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { start, openWidget, group, description, axe } from './support/browser.mjs';
import { startReceiver, schemaValidator } from './support/receiver.mjs';
import { SIGNER, completeSteps, heading } from './support/visitor.mjs';

let env;
let receiver;
let schemaErrors;
before(async () => {
  env = await start();
  receiver = await startReceiver({ origins: [env.server.origin] });
  schemaErrors = await schemaValidator();
});
after(async () => {
  await receiver?.close();
  await env?.close();
});
beforeEach(async () => { await receiver.control({ reset: true }); });

const CLINIC = { 'data-clinic-name': 'Glow Clinic', 'data-clinic-email': 'bookings@example.com' };
const sending = () => ({ ...CLINIC, 'data-endpoint': receiver.endpoint });
const submitButton = (page, name = 'Submit') => page.getByRole('button', { name, exact: true });
const sent = (page) => heading(page, 'Your answers have been sent').waitFor();
const failure = (page) => page.getByRole('alert').filter({ hasText: 'Your answers have not been sent' });

async function storedFor(email) {
  return (await receiver.stored()).filter((s) => s._replyto === email);
}

test('happy path: staff receive every answer, the flags and the consents, valid against the schema', async () => {
  const { page, context, problems } = await openWidget(env, { settings: sending(), beforeLoad: (p) => p.clock.install() });
  await completeSteps(page, { email: 'happy@example.com' });
  // A person takes minutes: the page's clock moves on instead of the test sleeping.
  await page.clock.fastForward(120_000);
  await submitButton(page).click();
  await sent(page);
  const shown = await page.getByText(/Your reference is/).textContent();

  const [stored, ...more] = await storedFor('happy@example.com');
  assert.equal(more.length, 0);
  assert.deepEqual(schemaErrors(stored), []);
  assert.ok(shown.endsWith(stored.reference), `${shown} vs ${stored.reference}`);
  const byId = Object.fromEntries(stored.answers.map((a) => [a.question_id, a]));
  assert.equal(byId.full_name.value, 'Jane Example');
  assert.equal(byId.allergies_detail.value, 'Lidocaine');
  assert.equal(stored.answers.length, 36);
  assert.equal(stored.spam, undefined, 'a person is not marked as spam');
  assert.ok(!stored.message.includes('LIKELY SPAM'));
  assert.deepEqual(stored.flags.map((f) => f.question_id), ['pregnant', 'allergies']);
  assert.deepEqual(stored.consents.map((c) => [c.question_id, c.given, c.version]), [
    ['risks_acknowledged', true, 'risks-2026-11'], ['aftercare_acknowledged', true, 'aftercare-2026-11'],
    ['information_accurate', true, 'accuracy-2026-11'], ['data_consent', true, 'data-2026-11'],
    ['photo_consent', false, 'photos-2026-11'], ['signature', true, 'signature-2026-12'],
  ]);
  // Issue 23: signed by typing; the receiver keeps the record only with its own digest.
  assert.equal(stored.signature.signer, SIGNER);
  assert.deepEqual(stored.signature.strokes, []);
  assert.match(stored.signature.consent_digest, /^[0-9a-f]{64}$/);
  // Form-backend fields, and the plain text staff read, flags first.
  assert.equal(stored._subject, 'Microneedling consultation request from Jane Example for Glow Clinic');
  assert.equal(stored._replyto, 'happy@example.com');
  assert.ok(stored.message.indexOf('NEEDS PRACTITIONER REVIEW (2)') < stored.message.indexOf('Full name: Jane Example'));
  // Delivered: the draft is gone, so a reload starts afresh.
  await page.reload();
  await heading(page, 'About you').waitFor();
  assert.equal(await page.getByLabel('Full name').inputValue(), '');
  assert.deepEqual(problems, []);
  await context.close();
});

test('likely spam (the hidden field filled, completed in seconds) is marked for staff, never dropped', async () => {
  const { page, context, problems } = await openWidget(env, { settings: sending() });
  // What a form-filling bot does: every input it finds, at machine speed.
  await page.locator('input[name=company]').fill('Acme Ltd');
  await completeSteps(page, { email: 'bot@example.com' });
  await submitButton(page).click();
  await sent(page);
  const [stored] = await storedFor('bot@example.com');
  assert.deepEqual(schemaErrors(stored), []);
  assert.deepEqual(stored.spam, { likely: true, reasons: ['hidden-field-filled', 'completed-too-fast'] });
  assert.ok(stored.message.startsWith('LIKELY SPAM (hidden-field-filled, completed-too-fast)\n'), stored.message.slice(0, 80));
  assert.equal(stored.answers.length, 36, 'the request is whole');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a 500, a reload, then Retry: the same submission, delivered and stored exactly once', async () => {
  const { page, context, problems } = await openWidget(env, { settings: sending() });
  await completeSteps(page, { email: 'retry500@example.com' });
  await receiver.control({ respond: 500, times: 1 });
  await submitButton(page).click();
  const alert = failure(page);
  await alert.waitFor();
  assert.match(await alert.textContent(), /Something went wrong at Glow Clinic's end.*Your answers are saved/);
  assert.ok(await alert.evaluate((el) => el === el.getRootNode().activeElement), 'focus on the message');
  assert.ok(await page.getByText('Jane Example').isVisible(), 'every answer still shown');
  assert.deepEqual(await axe(page), [], 'the failure state is accessible');
  // A failed submission survives a reload.
  await page.reload();
  await failure(page).waitFor();
  await submitButton(page, 'Retry').click();
  await sent(page);
  assert.deepEqual(await axe(page), [], 'the confirmation is accessible');
  const [stored, ...more] = await storedFor('retry500@example.com');
  assert.equal(more.length, 0);
  // The retry after the reload was the same submission: two requests with one id.
  assert.equal((await receiver.requests())[stored.submission_id], 2);
  assert.deepEqual(problems.filter((p) => !p.includes('500')), []);
  await context.close();
});

test('a 409 (the same submission still being received) is a moment to wait: Retry sends the same id, stored once', async () => {
  const { page, context, problems } = await openWidget(env, { settings: sending() });
  await completeSteps(page, { email: 'busy409@example.com' });
  // The receiver's own 409 for an Idempotency-Key still in flight (the IETF httpapi draft).
  await receiver.control({ respond: 409, times: 1 });
  await submitButton(page).click();
  const alert = failure(page);
  await alert.waitFor();
  assert.match(await alert.textContent(), /Glow Clinic is still receiving your answers.*will not be sent twice/);
  assert.doesNotMatch(await alert.textContent(), /could not accept/, 'never a refusal');
  assert.ok(await page.getByText('Jane Example').isVisible(), 'every answer still shown');
  await submitButton(page, 'Retry').click();
  await sent(page);
  const [stored, ...more] = await storedFor('busy409@example.com');
  assert.equal(more.length, 0);
  assert.equal((await receiver.requests())[stored.submission_id], 2, 'the retry carried the same id');
  assert.deepEqual(problems.filter((p) => !p.includes('409')), []);
  await context.close();
});

test('receiver down: the visitor reloads, finds every answer, and it arrives once when back', async () => {
  const { page, context } = await openWidget(env, { settings: sending() });
  await completeSteps(page, { email: 'down@example.com' });
  await receiver.stop();
  try {
    await submitButton(page).click();
    await failure(page).waitFor();
    // Online, so the visitor's connection is not blamed (issue 20): the browser cannot tell a
    // server that is down from one that refuses this page's origin.
    assert.match(await failure(page).textContent(), /could not get an answer from Glow Clinic/);
    assert.doesNotMatch(await failure(page).textContent(), /internet connection/);
    await page.reload();
    // Back where they were: the review, every answer, and a Retry.
    await heading(page, 'Check your answers').waitFor();
    assert.match(await failure(page).textContent(), /have not been sent to Glow Clinic yet/);
    for (const answer of ['Jane Example', 'down@example.com', 'Redness after sport', 'Lidocaine']) {
      assert.ok(await page.getByText(answer, { exact: true }).isVisible(), answer);
    }
  } finally {
    await receiver.start();
  }
  await submitButton(page, 'Retry').click();
  await sent(page);
  const [stored, ...more] = await storedFor('down@example.com');
  assert.equal(more.length, 0);
  assert.equal((await receiver.requests())[stored.submission_id], 1, 'the id from before the reload');
  await context.close();
});

test('a receiver that does not allow this page\'s origin: the visitor is not told to check their connection', async () => {
  // Issue 20: the clinic forgot --allow-origin for its page. The browser reports a CORS refusal
  // as a network error; online, the message must not blame the visitor.
  const refusing = await startReceiver({ origins: ['https://clinic.example'] });
  try {
    const { page, context } = await openWidget(env, { settings: { ...CLINIC, 'data-endpoint': refusing.endpoint } });
    await completeSteps(page, { email: 'cors@example.com' });
    await submitButton(page).click();
    await failure(page).waitFor();
    const text = await failure(page).textContent();
    assert.match(text, /could not get an answer from Glow Clinic.*contact Glow Clinic directly/);
    assert.doesNotMatch(text, /internet connection/);
    assert.equal((await refusing.stored()).length, 0);
    await context.close();
  } finally {
    await refusing.close();
  }
});

test('offline, then online again: retried by itself, stored once', async () => {
  const { page, context } = await openWidget(env, { settings: sending() });
  await completeSteps(page, { email: 'offline@example.com' });
  await context.setOffline(true);
  await submitButton(page).click();
  await failure(page).waitFor();
  assert.match(await failure(page).textContent(), /try again when you are back online/);
  await context.setOffline(false);
  await sent(page);
  assert.equal((await storedFor('offline@example.com')).length, 1);
  await context.close();
});

test('a double click and Enter pressed twice each store one submission', async () => {
  for (const [email, press] of [
    ['double@example.com', (page) => submitButton(page).dblclick()],
    ['enter@example.com', async (page) => {
      await submitButton(page).focus();
      await page.keyboard.press('Enter');
      await page.keyboard.press('Enter');
    }],
  ]) {
    const { page, context } = await openWidget(env, { settings: sending() });
    await completeSteps(page, { email });
    // A slow receiver leaves time for the second press to land while the first is in flight.
    await receiver.control({ delay_ms: 500, times: 2 });
    await press(page);
    await page.getByText('Sending your answers to Glow Clinic').waitFor();
    assert.equal(await submitButton(page, 'Sending…').getAttribute('aria-disabled'), 'true');
    await sent(page);
    const [stored, ...more] = await storedFor(email);
    assert.equal(more.length, 0, email);
    const requests = await receiver.requests();
    assert.equal(requests[stored.submission_id], 1, `${email}: the widget sent one request`);
    await context.close();
  }
});

test('field errors from the receiver appear on those fields, on their step', async () => {
  const { page, context } = await openWidget(env, { settings: sending() });
  await completeSteps(page, { email: 'bounce@example.com' });
  await receiver.control({ field_errors: [{ field: 'email', message: 'This address bounced' }] });
  await submitButton(page).click();
  // Waits for the error summary's link: "About you" is also a heading on the review itself.
  const summary = page.getByRole('alert');
  await summary.getByRole('link', { name: 'Email address: This address bounced' }).waitFor();
  await heading(page, 'About you').waitFor();
  assert.deepEqual(await summary.getByRole('link').allTextContents(), ['Email address: This address bounced']);
  const email = page.getByLabel('Email address');
  assert.match(await description(email), /Error: This address bounced$/);
  await email.fill('fixed@example.com');
  assert.doesNotMatch(await description(email), /Error/);
  await page.getByRole('button', { name: 'Continue' }).click();
  await heading(page, 'Check your answers').waitFor();
  await submitButton(page).click();
  await sent(page);
  assert.equal((await storedFor('bounce@example.com')).length, 0);
  assert.equal((await storedFor('fixed@example.com')).length, 1);
  await context.close();
});

test('a hang longer than the timeout: the failure message, then Retry succeeds', async () => {
  const { page, context } = await openWidget(env, {
    settings: sending(),
    beforeLoad: (p) => p.clock.install(),
  });
  await completeSteps(page, { email: 'hang@example.com' });
  await receiver.control({ hang: true });
  await submitButton(page).click();
  await page.getByText('Sending your answers to Glow Clinic').waitFor();
  // The widget waits about 15 s; the test moves the page's clock on instead of sleeping.
  await page.clock.fastForward(14_000);
  assert.equal(await failure(page).count(), 0, 'still waiting before the timeout');
  await page.clock.fastForward(1_500);
  await failure(page).waitFor();
  assert.match(await failure(page).textContent(), /took too long to answer/);
  await submitButton(page, 'Retry').click();
  await sent(page);
  assert.equal((await storedFor('hang@example.com')).length, 1);
  await context.close();
});

test('no endpoint: the mailto link holds the full summary, the JSON matches the schema', async () => {
  const { page, context, problems } = await openWidget(env, { settings: CLINIC });
  await completeSteps(page, { email: 'mailto@example.com' });
  await submitButton(page).click();
  await heading(page, 'Your answers are ready to send').waitFor();
  const summaryText = await page.locator('pre').textContent();
  const href = await page.getByRole('link', { name: 'Email this to the clinic' }).getAttribute('href');
  const mail = new URL(href);
  assert.equal(mail.protocol, 'mailto:');
  assert.equal(decodeURIComponent(mail.pathname), 'bookings@example.com');
  assert.deepEqual([...mail.searchParams.keys()], ['subject', 'body']);
  assert.equal(mail.searchParams.get('subject'), 'Microneedling consultation request from Jane Example for Glow Clinic');
  assert.equal(mail.searchParams.get('body'), summaryText.replace(/\n/g, '\r\n'));
  assert.ok(summaryText.includes('What do you hope to achieve? Zoë'));

  // Copy puts the same text on the clipboard, and says so.
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Copy summary' }).click();
  await page.getByRole('status').filter({ hasText: 'Summary copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), summaryText);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download as data (.json)' }).click(),
  ]);
  const json = JSON.parse(await fs.readFile(await download.path(), 'utf8'));
  assert.deepEqual(schemaErrors(json), []);
  assert.equal(json.message, summaryText);
  assert.deepEqual(problems, []);
  await context.close();
});

test('drafts: restored on the same step after a reload, not once expired from their first save, gone on the final screen', async () => {
  for (const [storage, settings] of [
    ['sessionStorage', { ...CLINIC, 'data-draft-hours': '1' }],
    ['localStorage', { ...CLINIC, 'data-draft-hours': '1', 'data-draft-storage': 'local' }],
  ]) {
    const { page, context } = await openWidget(env, { settings });
    await page.getByLabel('Full name').fill('Zoë Example');
    await page.getByLabel('Email address').fill('draft@example.com');
    await page.getByRole('checkbox', { name: 'I confirm I am 18 or over' }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await group(page, 'Which areas would you like treated?').getByRole('checkbox', { name: 'Neck' }).check();
    await page.reload();
    await heading(page, 'Your skin').waitFor();
    assert.ok(await page.getByRole('checkbox', { name: 'Neck' }).isChecked(), storage);
    await page.getByRole('button', { name: 'Back' }).click();
    assert.equal(await page.getByLabel('Full name').inputValue(), 'Zoë Example');

    // The draft lives where the clinic said, and holds no more than the answers and the step.
    const saved = await page.evaluate((s) => Object.entries(window[s]), storage);
    assert.equal(saved.length, 1, storage);
    const [key, json] = saved[0];
    const draft = JSON.parse(json);
    assert.deepEqual(Object.keys(draft).sort(), ['answers', 'first_saved', 'questionnaire', 'saved_at', 'started_at', 'step', 'version']);
    // Saved again after the reload, it keeps its first save (issue 14).
    assert.ok(draft.first_saved < draft.saved_at, `${draft.first_saved} < ${draft.saved_at}`);

    // First saved two hours ago, with a one-hour expiry, though saved again just now (each
    // visit used to start the clock again): not restored, and removed.
    await page.evaluate(([s, k, d]) => window[s].setItem(k, JSON.stringify({
      ...d, saved_at: Date.now(), first_saved: Date.now() - 2 * 3_600_000,
    })), [storage, key, draft]);
    await page.reload();
    await heading(page, 'About you').waitFor();
    assert.equal(await page.getByLabel('Full name').inputValue(), '', storage);
    assert.equal(await page.evaluate(([s, k]) => window[s].getItem(k), [storage, key]), null);
    await context.close();
  }

  // Start again removes the draft.
  const { page, context } = await openWidget(env, { settings: CLINIC });
  await completeSteps(page, { email: 'again@example.com' });
  assert.equal(await page.evaluate(() => sessionStorage.length), 1);
  await submitButton(page).click();
  // The final screen (here: ready to send by hand) leaves no draft behind (issue 14).
  await heading(page, 'Your answers are ready to send').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  await page.getByRole('button', { name: 'Start again' }).click();
  await heading(page, 'About you').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  await page.reload();
  assert.equal(await page.getByLabel('Full name').inputValue(), '');
  await context.close();
});

test('an endpoint that is not https is a configuration error, shown in the widget', async () => {
  const { page, context, problems } = await openWidget(env, {
    settings: { 'data-endpoint': 'http://clinic.example/submissions' },
  });
  const alert = page.getByRole('alert');
  assert.match(await alert.textContent(), /not set up correctly.*data-endpoint: "http:\/\/clinic.example\/submissions" must use https:\/\//);
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(problems, ['console error: Consultation form: data-endpoint: "http://clinic.example/submissions" must use https:// (http:// is allowed only for localhost and 127.0.0.1)']);
  await context.close();
});
