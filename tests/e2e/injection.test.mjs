// End to end: the hostile corpus (tests/corpus/hostile.json) typed into every free-text field
// of the built-in questionnaire, then reviewed and sent: shown only as text in the widget and
// the review, kept exactly in the JSON the clinic receives, and neutralised in the plain text
// staff read (issue 5, "Injection"; tests/injection.rs checks the same corpus in the core).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { start, openWidget, continueButton } from './support/browser.mjs';
import { startReceiver } from './support/receiver.mjs';
import { STEPS, heading } from './support/visitor.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const CORPUS = JSON.parse(fs.readFileSync(path.join(here, '../corpus/hostile.json'), 'utf8'));

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

/** Elements that hostile text would create if it were ever read as markup. */
const injected = (page) => page.locator('[data-consultation-form]').evaluate((host) => host.shadowRoot
  .querySelectorAll('script, img, svg, iframe, object, embed, [onerror], [onload], [onfocus], [autofocus]').length);

test('hostile text in every free-text field stays text on screen, exact in the JSON, defused for staff', async () => {
  const { page, context, problems } = await openWidget(env, {
    settings: { 'data-endpoint': receiver.endpoint, 'data-clinic-name': 'Glow Clinic' },
    beforeLoad: (p) => p.clock.install(),
  });
  const typed = {}; // field label -> the value the browser holds
  for (const [title, fill] of STEPS) {
    await heading(page, title).waitFor();
    await fill(page, { email: 'hostile@example.com' });
    const boxes = page.getByRole('textbox');
    for (let i = 0; i < await boxes.count(); i += 1) {
      const box = boxes.nth(i);
      if (['email', 'tel', 'url'].includes(await box.getAttribute('type'))) continue;
      const max = Number(await box.getAttribute('maxlength')) || 1000;
      const multiline = await box.evaluate((el) => el.tagName === 'TEXTAREA');
      const text = (multiline ? CORPUS.join('\n') : CORPUS.slice(0, 3).join(' ')).slice(0, max);
      await box.fill(text);
      typed[await box.getAttribute('id')] = await box.inputValue();
    }
    assert.equal(await injected(page), 0, `nothing created on ${title}`);
    await continueButton(page).click();
  }
  await heading(page, 'Check your answers').waitFor();
  assert.ok(Object.keys(typed).length >= 4, `free-text fields found: ${Object.keys(typed)}`);
  assert.equal(await injected(page), 0, 'nothing created on the review');
  const review = await page.locator('[data-consultation-form]').evaluate((host) => host.shadowRoot.textContent);
  assert.ok(review.includes('<script>alert(1)</script>') && review.includes('[call me](javascript:alert(7))'), 'shown as typed, as text');

  await page.clock.fastForward(120_000);
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  await heading(page, 'Your answers have been sent').waitFor();
  const [stored] = (await receiver.stored()).filter((s) => s._replyto === 'hostile@example.com');
  const byId = Object.fromEntries(stored.answers.map((a) => [a.question_id, a.value]));
  for (const [id, value] of Object.entries(typed)) assert.equal(byId[id], value, `${id} kept exactly`);

  // What staff read: every typed line indented under its answer, no header of the visitor's
  // making, nothing that reorders or hides text.
  for (const header of ['Bcc:', 'Subject:', 'Content-Type:', 'NEEDS PRACTITIONER REVIEW (0)', '- list item', '> quote']) {
    assert.ok(!stored.message.split('\n').some((line) => line.startsWith(header)), `no line starts with ${header}`);
  }
  assert.ok(!/[\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff\r]/.test(stored.message));
  assert.ok(!/[\r\n]/.test(stored._subject));
  assert.deepEqual(problems, [], 'no dialog, no page error');
  await context.close();
});

test('a field over its limit is refused by the widget itself, not only by the markup', async () => {
  const { page, context, problems } = await openWidget(env, {});
  const name = page.getByLabel('Full name');
  const max = Number(await name.getAttribute('maxlength'));
  // What a script or an old browser could do: take the markup's limit away.
  await name.evaluate((el) => el.removeAttribute('maxlength'));
  await name.fill('J'.repeat(max + 1));
  await continueButton(page).click();
  await heading(page, 'There is a problem').waitFor();
  assert.match(await page.getByRole('alert').textContent(), new RegExp(`Full name: Must be ${max} characters or fewer`));
  await name.fill('J'.repeat(max));
  await page.getByLabel('Email address').fill('name@example.com');
  await page.getByRole('checkbox', { name: 'I confirm I am 18 or over' }).check();
  await continueButton(page).click();
  await heading(page, 'Your skin').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});
