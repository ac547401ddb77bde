// End to end, issue 20 ("What a newcomer tripped on"), as a visitor meets it in Chromium: the
// health screening cannot be skipped, a phone answer must look like a number, a likely typo in
// an email address gets a polite suggestion that never blocks, and the email hint promises only
// what the clinic does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, openWidget, continueButton, group, description, axe } from './support/browser.mjs';
import { STEPS, heading, fillAboutYou, SCREENING } from './support/visitor.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const summaryLinks = (page) => page.getByRole('alert').getByRole('link').allTextContents();

test('the health screening cannot be skipped: an empty Continue names every question', async () => {
  const { page, context, problems } = await openWidget(env);
  for (const [title, fill] of STEPS.slice(0, 3)) {
    await heading(page, title).waitFor();
    await fill(page);
    await continueButton(page).click();
  }
  await heading(page, 'Health screening').waitFor();
  await continueButton(page).click();
  const links = await summaryLinks(page);
  assert.equal(links.length, 12, links.join(' | '));
  assert.ok(links.every((l) => l.endsWith(': Required field missing')), links.join(' | '));
  assert.ok(await heading(page, 'Health screening').isVisible(), 'still on the screening step');
  // Each question says so itself, and no label calls any of them optional.
  for (const question of SCREENING) {
    const fieldset = group(page, question);
    assert.match(await description(fieldset), /Error: Required field missing$/, question);
    assert.doesNotMatch(await fieldset.locator('legend').textContent(), /optional/, question);
  }
  // A "Yes" never blocks: every answer Yes, the allergy's detail given, and on to Consent.
  for (const question of SCREENING) {
    await group(page, question).getByRole('radio', { name: 'Yes' }).check();
  }
  await page.getByLabel('Which products are you allergic to?').fill('Latex');
  await continueButton(page).click();
  await heading(page, 'Consent').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('a phone answer must look like a phone number', async () => {
  const { page, context } = await openWidget(env);
  await fillAboutYou(page);
  const phone = page.getByLabel('Phone number (optional)');
  await phone.fill('call me maybe!!');
  await continueButton(page).click();
  assert.deepEqual(await summaryLinks(page), ['Phone number: Phone number invalid']);
  assert.match(await description(phone), /Error: Phone number invalid$/);
  assert.equal(await phone.getAttribute('aria-invalid'), 'true');
  // Digits with spaces, brackets, dots, dashes and a leading +: 7 to 15 digits.
  await phone.fill('+44 (0)1632 960-001');
  assert.doesNotMatch(await description(phone), /Error/);
  await phone.fill('123456');
  assert.match(await description(phone), /Error: Phone number invalid$/);
  await phone.fill('');
  await continueButton(page).click();
  await heading(page, 'Your skin').waitFor();
  await context.close();
});

test('a likely typo in an email address: a polite suggestion with a button, never an error', async () => {
  const { page, context, problems } = await openWidget(env);
  const email = page.getByLabel('Email address');
  // The hint says what the address is for; nothing is ever sent to the visitor.
  assert.match(await description(email), /The clinic will use it to reply to you about your consultation\.$/);
  assert.doesNotMatch(await description(email), /send your consultation details/);

  await email.fill('amelia.hart@gmail');
  const suggestion = page.getByText('Did you mean amelia.hart@gmail.com?');
  assert.equal(await suggestion.count(), 0, 'nothing while typing');
  await page.keyboard.press('Tab');
  await suggestion.waitFor();
  // Announced politely, from a region that was there before the words (so it is announced),
  // and not an error: no alert, no aria-invalid, no error text.
  assert.equal(await suggestion.evaluate((el) => el.closest('[aria-live]')?.getAttribute('aria-live')), 'polite');
  assert.equal(await page.getByRole('alert').count(), 0);
  assert.equal(await email.getAttribute('aria-invalid'), null);
  assert.doesNotMatch(await description(email), /Error/);
  assert.deepEqual(await axe(page), []);

  // Typing again hides it; leaving with another typo brings the new one.
  await email.fill('amelia.hart@gmial.com');
  assert.equal(await page.getByText(/Did you mean/).count(), 0);
  await email.blur();
  await page.getByText('Did you mean amelia.hart@gmail.com?').waitFor();

  // The button takes the address, and focus goes back to the field.
  await page.getByRole('button', { name: 'Use amelia.hart@gmail.com' }).click();
  assert.equal(await email.inputValue(), 'amelia.hart@gmail.com');
  assert.ok(await email.evaluate((el) => el === el.getRootNode().activeElement), 'focus on the field');
  assert.equal(await page.getByText(/Did you mean/).count(), 0);

  // Not taking it never blocks: the address as typed is valid by the WHATWG rule.
  await email.fill('amelia.hart@gmail');
  await email.blur();
  await page.getByText('Did you mean amelia.hart@gmail.com?').waitFor();
  await page.getByLabel('Full name').fill('Amelia Hart');
  await page.getByRole('checkbox', { name: 'I confirm I am 18 or over' }).check();
  await continueButton(page).click();
  await heading(page, 'Your skin').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});
