// End to end: the widget against the real receiver's brakes on automated submissions (issue
// 19, item 6). The proof of work is solved in the background while the visitor types, so a
// person's submission is not marked as spam, even one sent the moment the page opens on a
// phone's CPU; and the rate limit's 429 reads "try again shortly" with every answer kept.
// (A widget whose endpoint offers no challenge sends as before: every other end-to-end test
// with a plain endpoint, and the no-endpoint path, cover that.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { start, openWidget } from './support/browser.mjs';
import { startReceiver } from './support/receiver.mjs';
import { completeSteps, heading } from './support/visitor.mjs';

let env;
let receiver;
before(async () => {
  env = await start();
  receiver = await startReceiver({ origins: [env.server.origin] });
});
after(async () => {
  await receiver?.close();
  await env?.close();
});

const CLINIC = { 'data-clinic-name': 'Glow Clinic', 'data-clinic-email': 'bookings@example.com' };
const submitButton = (page, name = 'Submit') => page.getByRole('button', { name, exact: true });

/** The `Altcha` header of each submission the page sends to `endpoint`. */
function proofsSent(page, endpoint) {
  const sent = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url() === endpoint) sent.push({ at: Date.now(), altcha: r.headers().altcha });
  });
  return sent;
}

/** The CSV row staff export for this reference: its `likely_spam` cell. */
async function likelySpam(r, reference) {
  const [header, ...rows] = (await r.storedCsv()).trim().split('\r\n').map((l) => l.split(','));
  const row = rows.find((cells) => cells[0] === `"${reference}"`);
  assert.ok(row, `no CSV row for ${reference}`);
  return row[header.indexOf('"likely_spam"')];
}

test('a person\'s submission carries a solved proof of work and is not marked as spam', async () => {
  const { page, context, problems } = await openWidget(env, {
    settings: { ...CLINIC, 'data-endpoint': receiver.endpoint }, beforeLoad: (p) => p.clock.install(),
  });
  const sent = proofsSent(page, receiver.endpoint);
  await completeSteps(page, { email: 'proof@example.com' });
  await page.clock.fastForward(120_000);
  await submitButton(page).click();
  await heading(page, 'Your answers have been sent').waitFor();
  assert.equal(sent.length, 1);
  const proof = JSON.parse(Buffer.from(sent[0].altcha, 'base64').toString('utf8'));
  assert.deepEqual(Object.keys(proof).sort(), ['algorithm', 'challenge', 'number', 'salt', 'signature']);
  const [stored] = (await receiver.stored()).filter((s) => s._replyto === 'proof@example.com');
  assert.equal(await likelySpam(receiver, stored.reference), '"no"');
  assert.ok(!(await receiver.storedText()).includes('proof-of-work'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('sent the moment the page opens, on a phone\'s CPU (4x slower), the proof is still found in time', async () => {
  const { page, context, problems } = await openWidget(env, {
    settings: { ...CLINIC, 'data-endpoint': receiver.endpoint },
  });
  await completeSteps(page, { email: 'phone@example.com' });
  // The draft brings the visitor back to "Check your answers" after a reload: Submit can be
  // pressed as soon as the page is back, long before a person could have typed anything.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const sent = proofsSent(page, receiver.endpoint);
  let challengeAt = 0;
  page.on('response', (r) => { if (r.url().endsWith('/submissions/challenge')) challengeAt = Date.now(); });
  await page.reload();
  await heading(page, 'Check your answers').waitFor();
  await page.waitForFunction(() => window.widgetStarted > 0);
  await submitButton(page).click();
  await heading(page, 'Your answers have been sent').waitFor();
  assert.equal(sent.length, 1);
  assert.ok(sent[0].altcha, 'a solution, found within the wait at Send');
  const proof = JSON.parse(Buffer.from(sent[0].altcha, 'base64').toString('utf8'));
  console.log(`phone profile: number ${proof.number} found and sent ${sent[0].at - challengeAt} ms after the challenge arrived`);
  const [stored] = (await receiver.stored()).filter((s) => s._replyto === 'phone@example.com');
  assert.notEqual(stored, undefined);
  assert.ok(!(await receiver.storedText()).includes('proof-of-work'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('the rate limit\'s 429 tells the visitor to try again shortly, and keeps every answer', async () => {
  const limited = await startReceiver({ origins: [env.server.origin], args: ['--intake-rate', '1/hour'] });
  try {
    // Another request from this address (127.0.0.1) has taken the hour's one.
    const taken = await fetch(limited.endpoint, {
      method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() }, body: '{}',
    });
    assert.equal(taken.status, 400);
    const { page, context, problems } = await openWidget(env, {
      settings: { ...CLINIC, 'data-endpoint': limited.endpoint }, beforeLoad: (p) => p.clock.install(),
    });
    await completeSteps(page, { email: 'limited@example.com' });
    await page.clock.fastForward(120_000);
    await submitButton(page).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Your answers have not been sent' });
    await alert.waitFor();
    assert.match(await alert.textContent(), /try again shortly.*Your answers are saved on this device/);
    // Nothing stored, nothing lost: the review and the draft are still there.
    assert.deepEqual(await limited.stored(), []);
    await heading(page, 'Check your answers').waitFor();
    const draft = await page.evaluate(() => Object.values(window.sessionStorage).join(''));
    assert.ok(draft.includes('limited@example.com'));
    // The browser's own note of the 429 is the only one.
    assert.deepEqual(problems.filter((p) => !p.includes('status of 429')), []);
    await context.close();
  } finally {
    await limited.close();
  }
});
