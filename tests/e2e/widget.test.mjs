// End to end: the release build served by a real local HTTP server, driven in headless Chromium
// as a visitor would, by labels, roles and visible text only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import {
  start, openWidget, continueButton, group, description, tabTo, axe,
} from './support/browser.mjs';
import {
  HOSTILE, SCREENING, SIGNER, STEPS, heading, completeSteps, fillAboutYou, fillYourSkin, fillPreferences, fillHealth, fillConsent,
} from './support/visitor.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

async function downloadText(page, buttonName) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: buttonName }).click(),
  ]);
  return fs.readFile(await download.path(), 'utf8');
}

test('a visitor completes the whole questionnaire and the downloaded JSON holds every answer', async () => {
  const { page, context, problems } = await openWidget(env);
  assert.equal(await page.getByText('Step 1 of 5').count(), 1);
  await completeSteps(page);

  // The review shows every answer as text, the hostile one exactly and inert.
  const review = page.getByRole('region', { name: 'Microneedling consultation' });
  assert.ok(await review.getByText(HOSTILE, { exact: true }).isVisible());
  assert.ok(await review.getByText('Face, Décolletage (upper chest)').isVisible());
  assert.ok(await review.getByText('https://myclinic.com').isVisible());
  assert.equal(await page.locator('img[src=x]').count(), 0, 'visitor text never becomes markup');
  // Right-to-left text keeps its own direction: the answer's direction follows what was typed.
  const rtl = review.getByText('مرحبا', { exact: false });
  assert.equal(await rtl.evaluate((el) => el.getAttribute('dir')), 'auto');
  // The one unticked optional consent reads "Not agreed", the words staff read for it (issue 20).
  assert.equal(await review.getByText('Not agreed', { exact: true }).count(), 1);
  // The one answer left out: photos, which this page (no endpoint) cannot send (issue 24).
  assert.equal(await review.getByText('Not provided', { exact: true }).count(), 1);

  await page.getByRole('button', { name: 'Submit' }).click();
  await heading(page, 'Your answers are ready to send').waitFor();
  const reference = await page.getByText(/Your reference is/).textContent();
  assert.match(reference, /Your reference is [0-9A-F]{4}-[0-9A-F]{4}$/);

  const json = JSON.parse(await downloadText(page, 'Download as data (.json)'));
  const byId = Object.fromEntries(json.answers.map((a) => [a.question_id, a]));
  const expected = {
    full_name: 'Jane Example', email: 'name@example.com', phone: '01632 960 001', age_confirmed: true,
    contact_method: 'phone', website: 'myclinic.com', areas: ['face', 'decolletage'],
    concerns: ['acne_scars', 'other'], concerns_other: 'Redness after sport', skin_type: 'combination',
    goals: HOSTILE, treatment_type: 'automated', had_before: 'yes',
    previous_treatment: 'About a year ago, some redness for two days', numbing_cream: 'not_sure',
    pregnant: 'yes', allergies: 'yes', allergies_detail: 'Lidocaine', diabetes: 'no', medications: 'None',
    risks_acknowledged: true, aftercare_acknowledged: true, information_accurate: true, data_consent: true,
    photo_consent: null, signature: SIGNER, skin_photos: null,
  };
  for (const [id, value] of Object.entries(expected)) {
    assert.deepEqual(byId[id]?.value, value, id);
  }
  assert.equal(json.answers.length, 36, 'every question, all three conditional ones revealed');
  assert.equal(byId.website.display, 'https://myclinic.com');
  assert.deepEqual(json.flags.map((f) => f.question_id), ['pregnant', 'allergies']);
  assert.equal(json.flags[1].details[0].value, 'Lidocaine');
  assert.deepEqual(json.consents.map((c) => [c.question_id, c.given]), [
    ['risks_acknowledged', true], ['aftercare_acknowledged', true], ['information_accurate', true],
    ['data_consent', true], ['photo_consent', false], ['signature', true],
  ]);
  assert.equal(json.questionnaire.id, 'microneedling-consultation');
  assert.match(json.submission_id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.ok(!Number.isNaN(Date.parse(json.completed_at)));

  // The plain text puts the flags first and keeps the visitor's text exactly.
  const text = await downloadText(page, 'Download as text (.txt)');
  assert.ok(text.indexOf('NEEDS PRACTITIONER REVIEW (2)') < text.indexOf('\nAbout you\n---------\n'));
  assert.ok(text.includes(`What do you hope to achieve? ${HOSTILE}\n`));
  // The summary on screen is the same text.
  assert.equal(await page.locator('pre').textContent(), text);
  assert.deepEqual(problems, []);
  await context.close();
});

test('each message appears on its own field and goes when fixed', async () => {
  const { page, context, problems } = await openWidget(env);
  const name = page.getByLabel('Full name');
  const email = page.getByLabel('Email address');
  const website = page.getByLabel('Website or social media profile (optional)');
  const age = group(page, 'Your age');

  await continueButton(page).click();
  const summary = page.getByRole('alert');
  await summary.waitFor();
  assert.ok(await summary.evaluate((el) => el === el.getRootNode().activeElement), 'the summary takes focus');
  assert.deepEqual(await summary.getByRole('link').allTextContents(), [
    'Full name: Required field missing', 'Email address: Required field missing', 'Your age: Required field missing',
  ]);
  assert.equal(await description(name), 'Error: Required field missing');
  assert.match(await description(age), /Error: Required field missing$/);
  assert.equal(await description(website), 'Like myclinic.com or https://www.instagram.com/yourname. This helps us recognise you if you have been in touch before.');

  // The summary's link takes the visitor to the field.
  await summary.getByRole('link', { name: 'Email address: Required field missing' }).click();
  assert.ok(await email.evaluate((el) => el === el.getRootNode().activeElement));

  // Email: the WHATWG rule, re-checked as the visitor types after a failed Continue.
  await email.fill('a@-b.com');
  assert.match(await description(email), /Error: Email address invalid$/);
  assert.equal(await email.getAttribute('aria-invalid'), 'true');
  await email.fill('jane+skin@gmail.com');
  assert.doesNotMatch(await description(email), /Error/);
  assert.equal(await email.getAttribute('aria-invalid'), null);

  // Website: other schemes refused, a bare domain accepted.
  await website.fill('javascript:alert(1)');
  assert.match(await description(website), /Error: Website address invalid$/);
  await website.fill('myclinic.com');
  assert.doesNotMatch(await description(website), /Error/);

  // Required: whitespace alone is still missing.
  await name.fill('   ');
  assert.equal(await description(name), 'Error: Required field missing');
  await name.fill('Jane Example');
  assert.equal(await description(name), '');
  await age.getByRole('checkbox').check();
  assert.doesNotMatch(await description(age), /Error/);
  assert.equal(await page.getByRole('alert').count(), 0, 'no problems, no summary');

  // What was typed stays as typed, and Continue moves on.
  assert.equal(await email.inputValue(), 'jane+skin@gmail.com');
  await continueButton(page).click();
  await heading(page, 'Your skin').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('Back and Change keep every answer', async () => {
  const { page, context, problems } = await openWidget(env);
  await fillAboutYou(page);
  await continueButton(page).click();
  await fillYourSkin(page);
  await page.getByRole('button', { name: 'Back' }).click();
  await heading(page, 'About you').waitFor();
  assert.equal(await page.getByLabel('Full name').inputValue(), 'Jane Example');
  assert.ok(await page.getByRole('checkbox', { name: 'I confirm I am 18 or over' }).isChecked());
  assert.ok(await page.getByRole('radio', { name: 'Phone' }).isChecked());
  await continueButton(page).click();
  assert.ok(await page.getByRole('checkbox', { name: 'Acne scars' }).isChecked());
  assert.equal(await page.getByLabel('What do you hope to achieve? (optional)').inputValue(), HOSTILE);
  await continueButton(page).click();
  for (const [title, fill] of STEPS.slice(2)) {
    await heading(page, title).waitFor();
    await fill(page);
    await continueButton(page).click();
  }
  await heading(page, 'Check your answers').waitFor();

  // Change goes to the field, with focus on it, and Continue comes straight back.
  await page.getByRole('link', { name: 'Change Email address' }).click();
  const email = page.getByLabel('Email address');
  await heading(page, 'About you').waitFor();
  assert.ok(await email.evaluate((el) => el === el.getRootNode().activeElement));
  await email.fill('info@glow.clinic');
  await continueButton(page).click();
  await heading(page, 'Check your answers').waitFor();
  assert.ok(await page.getByText('info@glow.clinic').isVisible());
  assert.ok(await page.getByText('Redness after sport').isVisible(), 'other answers kept');

  // A change that reveals a required question asks it before returning.
  await page.getByRole('link', { name: 'Change Are you allergic' }).click();
  await group(page, 'allergic to any topical products').getByRole('radio', { name: 'No' }).check();
  assert.equal(await page.getByLabel('Which products are you allergic to?').count(), 0, 'hidden when no');
  await group(page, 'allergic to any topical products').getByRole('radio', { name: 'Yes' }).check();
  assert.equal(await page.getByLabel('Which products are you allergic to?').inputValue(), 'Lidocaine');
  await continueButton(page).click();
  await heading(page, 'Check your answers').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('the keyboard alone completes the form', async () => {
  const { page, context, problems } = await openWidget(env);
  const kb = page.keyboard;
  const typeInto = async (label, text) => { await tabTo(page, page.getByLabel(label)); await kb.type(text); };
  const tick = async (locator) => { await tabTo(page, locator); await kb.press('Space'); };
  const pressContinue = async () => { await tabTo(page, continueButton(page)); await kb.press('Enter'); };

  await typeInto('Full name', 'Kai Example');
  await typeInto('Email address', 'kai@example.com');
  await tick(page.getByRole('checkbox', { name: 'I confirm I am 18 or over' }));
  // Enter in a text field submits the step, as in any form.
  await typeInto('Website or social media profile (optional)', 'example.com');
  await kb.press('Enter');
  await heading(page, 'Your skin').waitFor();
  assert.ok(await heading(page, 'Your skin').evaluate((el) => el === el.getRootNode().activeElement), 'focus on the new step');

  await tick(page.getByRole('checkbox', { name: 'Neck' }));
  await tick(page.getByRole('checkbox', { name: 'Fine lines and wrinkles' }));
  // Radios: Tab into the group, arrows choose.
  await tabTo(page, group(page, 'What is your skin type?').getByRole('radio', { name: 'Normal' }));
  await kb.press('ArrowDown');
  await pressContinue();
  await heading(page, 'Treatment preferences').waitFor();
  await pressContinue();
  await heading(page, 'Health screening').waitFor();
  // Each screening question needs an answer (issue 20): Tab to its first radio, an arrow
  // chooses "No".
  for (const question of SCREENING) {
    await tabTo(page, group(page, question).getByRole('radio', { name: 'Yes' }));
    await kb.press('ArrowRight');
  }
  await pressContinue();
  await heading(page, 'Consent').waitFor();
  await pressContinue();
  // The error summary takes focus; Tab reaches its first link and Enter follows it.
  await page.getByRole('alert').waitFor();
  await kb.press('Tab');
  await kb.press('Enter');
  assert.ok(await page.getByRole('checkbox', { name: 'I have read and understand the risks' })
    .evaluate((el) => el === el.getRootNode().activeElement));
  await kb.press('Space');
  await tick(page.getByRole('checkbox', { name: 'I have read the aftercare advice' }));
  await tick(page.getByRole('checkbox', { name: 'I confirm the information I have given is accurate' }));
  await tick(page.getByRole('checkbox', { name: 'I agree that the clinic may store and use' }));
  await typeInto('Your signature', 'Kai Example');
  await pressContinue();
  await heading(page, 'Check your answers').waitFor();
  assert.ok(await page.getByText('Dry', { exact: true }).isVisible(), 'ArrowDown chose the second skin type');
  await tabTo(page, page.getByRole('button', { name: 'Submit' }));
  await kb.press('Enter');
  await heading(page, 'Your answers are ready to send').waitFor();
  assert.ok((await page.locator('pre').textContent()).includes('Full name: Kai Example'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('no horizontal scrolling at 320 CSS pixels', async () => {
  const { page, context } = await openWidget(env, { width: 320, height: 640 });
  const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  await continueButton(page).click();
  assert.ok(await fits(), 'step 1 with errors');
  await fillAboutYou(page, { email: 'a.very.long.address.that.might.overflow@an-unusually-long-clinic-domain.example' });
  await continueButton(page).click();
  for (const [title, fill] of STEPS.slice(1)) {
    await heading(page, title).waitFor();
    await fill(page);
    assert.ok(await fits(), title);
    await continueButton(page).click();
  }
  await heading(page, 'Check your answers').waitFor();
  assert.ok(await fits(), 'review');
  await page.getByRole('button', { name: 'Submit' }).click();
  await heading(page, 'Your answers are ready to send').waitFor();
  assert.ok(await fits(), 'final screen');
  await context.close();
});

test('axe-core finds no WCAG 2.2 A or AA violation on any screen', async () => {
  const { page, context, problems } = await openWidget(env);
  const results = [];
  const check = async (screen) => {
    const violations = await axe(page);
    results.push([screen, violations.length]);
    assert.deepEqual(violations, [], screen);
  };
  const errorsShown = () => page.getByRole('alert').waitFor();

  await check('About you, clean');
  await continueButton(page).click(); await errorsShown();
  await check('About you, errors');
  await fillAboutYou(page); await continueButton(page).click();
  await heading(page, 'Your skin').waitFor();
  await check('Your skin, clean');
  await continueButton(page).click(); await errorsShown();
  await check('Your skin, errors');
  await fillYourSkin(page); await continueButton(page).click();
  await heading(page, 'Treatment preferences').waitFor();
  await check('Treatment preferences, clean (no required question: no error state)');
  await fillPreferences(page); await continueButton(page).click();
  await heading(page, 'Health screening').waitFor();
  await check('Health screening, clean');
  await group(page, 'allergic to any topical products').getByRole('radio', { name: 'Yes' }).check();
  await continueButton(page).click(); await errorsShown();
  await check('Health screening, errors');
  await fillHealth(page); await continueButton(page).click();
  await heading(page, 'Consent').waitFor();
  await check('Consent, clean');
  await continueButton(page).click(); await errorsShown();
  await check('Consent, errors');
  await fillConsent(page); await continueButton(page).click();
  await heading(page, 'Check your answers').waitFor();
  await check('Check your answers');
  await page.getByRole('button', { name: 'Submit' }).click();
  await heading(page, 'Your answers are ready to send').waitFor();
  await check('Final screen');
  console.log('axe-core WCAG 2.2 A/AA violations per screen:');
  for (const [screen, count] of results) console.log(`  ${count}  ${screen}`);
  assert.deepEqual(problems, []);
  await context.close();
});
