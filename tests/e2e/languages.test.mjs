// End to end: the form in the visitor's language (issue 25). Each built-in language other than
// English, chosen with data-lang, through a whole journey with errors, axe on every screen, and
// the receiver taking the submission in that language. The words expected are read from the
// data files themselves (src/core/catalogues/, src/core/translations/), so the test drives the
// page as a visitor reading that language would: by its labels, roles and visible text. Also:
// the page's <html lang> chooses when data-lang does not; English loads no language file; and
// Arabic is right to left, its layout mirrored (checked with element positions).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { start, openWidget, axe, group } from './support/browser.mjs';
import { startReceiver, schemaValidator } from './support/receiver.mjs';
import { heading } from './support/visitor.mjs';
import { withSettings } from './support/static-server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const json = (...parts) => JSON.parse(fs.readFileSync(path.join(ROOT, ...parts), 'utf8'));
const QUESTIONNAIRE = json('src/core/default_questionnaire.json');
const ENGLISH_BUTTONS = ['Continue', 'Back', 'Submit'];

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

/** The built-in questionnaire with `lang`'s texts in place of its own, and that language's
 *  catalogue (`too_long` and the other plurals aside, text by key). */
function inLanguage(lang) {
  const t = json('src/core/translations', `${lang}.json`);
  const steps = QUESTIONNAIRE.steps.map((s) => ({
    ...s,
    title: t.steps[s.id].title,
    questions: s.questions.map((q) => ({
      ...q,
      label: t.questions[q.id].label,
      text: t.questions[q.id].text,
      options: (q.options ?? []).map((o) => ({ ...o, label: t.questions[q.id].options[o.value].label })),
    })),
  }));
  return { steps, words: json('src/core/catalogues', `${lang}.json`) };
}

const button = (page, name) => page.getByRole('button', { name, exact: true });

/** Answers every required question of `step` the way that shows no conditional question:
 *  "no" where it is offered, else the first option. */
async function answer(page, step) {
  for (const q of step.questions.filter((x) => x.required && !x.show_if)) {
    const option = q.options.find((o) => o.value === 'no') ?? q.options[0];
    switch (q.kind) {
      case 'email': await page.getByRole('textbox', { name: q.label, exact: true }).fill('name@example.com'); break;
      case 'confirm': await page.getByRole('checkbox', { name: q.text }).check(); break;
      case 'choice': await group(page, q.label).getByRole('radio', { name: option.label, exact: true }).check(); break;
      case 'multi': await group(page, q.label).getByRole('checkbox', { name: option.label, exact: true }).check(); break;
      default: await page.getByRole('textbox', { name: q.label, exact: true }).fill('Jane Example');
    }
  }
}

/** The widget's root: the element that carries its language. */
const root = (page) => page.locator('[data-consultation-form]').locator('[lang]').first();

for (const lang of ['es', 'fr', 'de', 'ar']) {
  test(`${lang}: a whole journey in the language, with its errors, no axe violation, and the receiver taking it`, async () => {
    const { steps, words } = inLanguage(lang);
    const before = (await receiver.stored()).length;
    const requested = [];
    const { page, context, problems } = await openWidget(env, {
      settings: { 'data-lang': lang, 'data-clinic-name': 'Glow Clinic', 'data-endpoint': receiver.endpoint },
      ready: new RegExp(steps[0].title),
      beforeLoad: (p) => p.on('request', (r) => requested.push(new URL(r.url()).pathname)),
    });
    assert.equal(await root(page).getAttribute('lang'), lang);
    assert.equal(await root(page).getAttribute('dir'), lang === 'ar' ? 'rtl' : 'ltr');
    assert.deepEqual(requested.filter((p) => /\/lang-/.test(p)).map((p) => p.replace(/-[0-9a-f]{16}\.json$/, '')), [`/lang-${lang}`],
      'only the chosen language travels');
    // (The demo page's own preload line may fetch the English-only one too: README.)
    assert.ok(requested.some((p) => p.endsWith('_bg.wasm') && !/-builtin-/.test(p)), 'the full wasm, which reads it');
    const violations = {};
    for (const [i, step] of steps.entries()) {
      await heading(page, step.title).waitFor();
      const progress = words.step_of.replace('{current}', i + 1).replace('{total}', steps.length);
      assert.equal(await page.getByText(progress, { exact: true }).count(), 1, progress);
      violations[`${step.id}, clean`] = (await axe(page)).length;
      // An empty Continue: the error summary and each field's message, in the language (a
      // step with no required question has no error state: Continue goes on).
      const first = step.questions.find((q) => q.required && !q.show_if);
      if (first) {
        await button(page, words.continue).click();
        const summary = page.getByRole('alert').filter({ hasText: words.problem_title });
        await summary.waitFor();
        const escaped = first.label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        assert.match(await summary.textContent(), new RegExp(`${escaped}: ${words.required}`));
        violations[`${step.id}, errors`] = (await axe(page)).length;
      }
      for (const english of ENGLISH_BUTTONS) assert.equal(await button(page, english).count(), 0, `no "${english}" button`);
      await answer(page, step);
      await button(page, words.continue).click();
    }
    await heading(page, words.check_answers).waitFor();
    violations.review = (await axe(page)).length;
    await button(page, words.submit).click();
    await heading(page, words.sent).waitFor();
    violations.sent = (await axe(page)).length;
    console.log(`${lang}: axe WCAG 2.2 A/AA violations per screen: ${JSON.stringify(violations)}`);
    assert.ok(Object.values(violations).every((n) => n === 0), JSON.stringify(violations));

    // The receiver re-checked it in the language it was answered in, consent digest and all.
    const mine = (await receiver.stored()).slice(before);
    assert.deepEqual(mine.map((s) => s.language), [lang], 'stored once, in the language');
    const [stored] = mine;
    assert.deepEqual(schemaErrors(stored), []);
    assert.equal(stored.signature.signer, 'Jane Example');
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('the page\'s <html lang> chooses the language when the widget has none of its own; a language the widget lacks falls back', async () => {
  const page = (htmlLang, attributes) => env.server.add(`/page-in-${htmlLang}-${Math.random().toString(36).slice(2)}.html`,
    withSettings(env.server.read('index.html'), attributes).replace(/<html lang="?[^"\s>]*"?/, `<html lang="${htmlLang}"`));
  const cases = [
    // [<html lang>, data-lang, the widget's language]
    ['es-MX', undefined, 'es'],
    ['fr', 'de', 'de'],
    ['it', undefined, 'en-GB'],
    ['de', 'it', 'de'],
    ['ar', 'en-US', 'en-GB'],
  ];
  for (const [htmlLang, dataLang, expected] of cases) {
    const url = page(htmlLang, dataLang ? { 'data-lang': dataLang } : {});
    const context = await env.browser.newContext();
    const tab = await context.newPage();
    await tab.goto(url);
    await tab.waitForFunction(() => document.querySelector('[data-consultation-form]')?.shadowRoot?.querySelector('[lang]'));
    assert.equal(await root(tab).getAttribute('lang'), expected, `<html lang="${htmlLang}"> data-lang=${dataLang}`);
    await context.close();
  }
});

test('English loads no language file, and keeps the documents\' three messages word for word', async () => {
  const requested = [];
  const { page, context, problems } = await openWidget(env, {
    beforeLoad: (p) => p.on('request', (r) => requested.push(new URL(r.url()).pathname)),
  });
  assert.equal(await root(page).getAttribute('lang'), 'en-GB');
  await page.getByLabel('Email address').fill('not an address');
  await page.getByLabel('Website or social media profile (optional)').fill('http://');
  await button(page, 'Continue').click();
  const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
  await summary.waitFor();
  const text = await summary.textContent();
  for (const message of ['Full name: Required field missing', 'Email address: Email address invalid', 'Website or social media profile: Website address invalid']) {
    assert.ok(text.includes(message), `${message} in ${text}`);
  }
  assert.deepEqual(requested.filter((p) => /\/lang-/.test(p)), []);
  assert.deepEqual(requested.filter((p) => p.endsWith('.wasm')).map((p) => /-builtin-/.test(p)), [true], 'the English-only wasm');
  assert.deepEqual(problems, []);
  await context.close();
});

test('ar: right to left, the layout mirrored: progress, Continue and Back, and the error mark', async () => {
  const { steps, words } = inLanguage('ar');
  const { page, context } = await openWidget(env, { settings: { 'data-lang': 'ar' }, ready: new RegExp(steps[0].title) });
  await answer(page, steps[0]);
  await button(page, words.continue).click();
  await heading(page, steps[1].title).waitFor();
  const box = async (locator) => locator.boundingBox();
  const form = await box(page.locator('form'));
  const proceed = await box(button(page, words.continue));
  const back = await box(button(page, words.back));
  // Continue comes first: in Arabic, on the right, Back to its left.
  assert.ok(proceed.x > back.x, `Continue (x ${proceed.x}) right of Back (x ${back.x})`);
  assert.ok(form.x + form.width - (proceed.x + proceed.width) < 2, 'Continue starts at the right edge');
  const progress = words.step_of.replace('{current}', 2).replace('{total}', steps.length);
  const text = await box(page.getByText(progress, { exact: true }));
  const textWidth = await page.getByText(progress, { exact: true }).evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return range.getBoundingClientRect();
  });
  assert.ok(text.x + text.width - (textWidth.x + textWidth.width) < 2, 'the progress text sits on the right');
  // The error mark, a bar at the start of the field: on its right.
  await button(page, words.continue).click();
  await page.getByRole('alert').filter({ hasText: words.problem_title }).waitFor();
  const field = group(page, steps[1].questions[0].label);
  // (The group's box: the element around its <fieldset>.)
  const mark = await field.evaluate((el) => {
    const style = getComputedStyle(el.parentElement);
    return { right: style.borderRightWidth, left: style.borderLeftWidth };
  });
  assert.deepEqual(mark, { right: '4px', left: '0px' });
  await context.close();
});

test('with data-langs the visitor switches language on the first step, by keyboard too, and keeps every answer', async () => {
  const es = inLanguage('es');
  const before = (await receiver.stored()).length;
  const { page, context, problems } = await openWidget(env, {
    settings: { 'data-langs': 'en es', 'data-clinic-name': 'Glow Clinic', 'data-endpoint': receiver.endpoint },
    ready: /About you/,
  });
  const choice = page.getByRole('combobox', { name: 'Language', exact: true });
  assert.deepEqual(await choice.locator('option').allTextContents(), ['English', 'Español']);
  assert.deepEqual(await choice.locator('option').evaluateAll((options) => options.map((o) => o.lang)), ['en-GB', 'es'],
    'each name marked in its own language');
  await page.getByRole('textbox', { name: 'Full name', exact: true }).fill('Jane Example');
  await page.getByRole('checkbox', { name: 'I confirm I am 18 or over' }).check();
  // By keyboard alone: Tab to the choice, then the arrow key (a native select).
  await choice.focus();
  await page.keyboard.press('ArrowDown');
  await heading(page, es.steps[0].title).waitFor();
  assert.equal(await root(page).getAttribute('lang'), 'es');
  const spanish = page.getByRole('combobox', { name: es.words.language, exact: true });
  assert.equal(await spanish.inputValue(), 'es');
  assert.equal(await spanish.evaluate((el) => el === el.getRootNode().activeElement), true, 'focus stays on the choice');
  const label = (id) => es.steps[0].questions.find((q) => q.id === id);
  assert.equal(await page.getByRole('textbox', { name: label('full_name').label, exact: true }).inputValue(), 'Jane Example');
  assert.equal(await page.getByRole('checkbox', { name: label('age_confirmed').text }).isChecked(), true);
  assert.deepEqual(await axe(page), []);
  // On in Spanish to the end: the receiver takes it in Spanish; the choice was the first step's.
  for (const [i, step] of es.steps.entries()) {
    await heading(page, step.title).waitFor();
    if (i > 0) assert.equal(await spanish.count(), 0, 'the choice is on the first step only');
    if (i === 1) {
      // A reload past the first step, where the choice is no longer offered, comes back in
      // the language chosen (kept with the draft), not the page's, with the answers.
      await page.reload();
      await heading(page, step.title).waitFor();
      assert.equal(await root(page).getAttribute('lang'), 'es');
      await button(page, es.words.back).click();
      await heading(page, es.steps[0].title).waitFor();
      assert.equal(await page.getByRole('textbox', { name: label('full_name').label, exact: true }).inputValue(), 'Jane Example');
      await button(page, es.words.continue).click();
      await heading(page, step.title).waitFor();
    }
    await answer(page, step);
    await button(page, es.words.continue).click();
  }
  await heading(page, es.words.check_answers).waitFor();
  await button(page, es.words.submit).click();
  await heading(page, es.words.sent).waitFor();
  const mine = (await receiver.stored()).slice(before);
  assert.deepEqual(mine.map((s) => s.language), ['es'], 'stored once, in Spanish');
  assert.equal(mine[0].answers.find((a) => a.question_id === 'full_name').value, 'Jane Example');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a questionnaire file in the visitor\'s language: its translation beside it is used, and one missing says which file', async () => {
  // The built-in questionnaire served as a clinic's file, which lists Spanish: its Spanish is
  // `NAME.es.json` beside it, as the clinic's receiver reads it (README, "Translations").
  const es = inLanguage('es');
  const file = (name) => env.server.add(`/${name}.json`, JSON.stringify(QUESTIONNAIRE), { 'content-type': 'application/json' });
  const withSpanish = file('hair-care');
  env.server.add('/hair-care.es.json', fs.readFileSync(path.join(ROOT, 'src/core/translations/es.json'), 'utf8'), { 'content-type': 'application/json' });
  const before = (await receiver.stored()).length;
  const { page, context, problems } = await openWidget(env, {
    settings: { 'data-lang': 'es', 'data-questionnaire': withSpanish, 'data-clinic-name': 'Glow Clinic', 'data-endpoint': receiver.endpoint },
    ready: new RegExp(es.steps[0].title),
  });
  for (const step of es.steps) {
    await heading(page, step.title).waitFor();
    await answer(page, step);
    await button(page, es.words.continue).click();
  }
  await heading(page, es.words.check_answers).waitFor();
  await button(page, es.words.submit).click();
  await heading(page, es.words.sent).waitFor();
  // The consent words it hashed in the browser are the Spanish ones the receiver knows.
  assert.deepEqual((await receiver.stored()).slice(before).map((s) => s.language), ['es']);
  assert.deepEqual(problems, []);
  await context.close();

  // No Spanish beside it: the widget says so, naming the file, in the visitor's language.
  const without = file('skin-care');
  const failing = await openWidget(env, { settings: { 'data-lang': 'es', 'data-questionnaire': without }, ready: /./ });
  const alert = failing.page.getByRole('alert').filter({ hasText: es.words.setup_title });
  await alert.waitFor();
  assert.match(await alert.textContent(), /skin-care\.es\.json" could not be loaded \(HTTP 404\)/);
  await failing.context.close();
});
