// End to end: a clinic's questionnaire whose question ids look like each other's parts (issue
// 10: `pain` and `pain-2` broke labels, descriptions and focus, as the second option of `pain`
// had the id `pain-2` too). Driven by labels, roles and visible text, as a visitor would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, openWidget, continueButton, group, description } from './support/browser.mjs';
import { heading } from './support/visitor.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const questionnaire = {
  id: 'pain-check', version: '1', title: 'Pain check',
  steps: [{ id: 'pain-step', title: 'How it feels', questions: [
    { id: 'pain', kind: 'choice', label: 'Any pain now?', hint: 'Think of today', required: true, options: [
      { value: 'no', label: 'No', hint: 'Nothing at all' },
      { value: 'yes', label: 'Yes', hint: 'Some or a lot' },
    ] },
    { id: 'pain-2', kind: 'text', label: 'Where does it hurt?', hint: 'For example, cheek', required: true },
    { id: 'pain-hint', kind: 'text', label: 'Anything else?', required: true },
  ] }],
};

test('question ids that look like another question\'s parts keep their own labels, hints and focus', async () => {
  const file = env.server.add('/pain.json', JSON.stringify(questionnaire), { 'content-type': 'application/json' });
  const { page: visitor, context, problems } = await openWidget(env, {
    settings: { 'data-questionnaire': file }, ready: 'How it feels',
  });

  // Each label names its own control.
  const where = visitor.getByLabel('Where does it hurt?');
  const other = visitor.getByLabel('Anything else? ');
  assert.equal(await where.evaluate((el) => el.tagName), 'INPUT');
  assert.equal(await where.getAttribute('type'), 'text');
  assert.equal(await visitor.getByLabel('Yes').getAttribute('type'), 'radio');
  // Each description is the control's own: never another question's hint.
  assert.equal(await description(where), 'For example, cheek');
  assert.equal(await description(group(visitor, 'Any pain now?')), 'Think of today');
  assert.equal(await description(visitor.getByLabel('Yes')), 'Some or a lot');
  assert.equal(await description(other), '');

  // The error summary's links move focus to the right field.
  await continueButton(visitor).click();
  const summary = visitor.getByRole('alert');
  await summary.getByRole('link', { name: 'Where does it hurt?: Required field missing' }).click();
  assert.ok(await where.evaluate((el) => el === el.getRootNode().activeElement), 'focus on the text field');
  assert.match(await description(where), /For example, cheek Error: Required field missing/);
  await summary.getByRole('link', { name: 'Any pain now?: Required field missing' }).click();
  assert.ok(await visitor.getByLabel('No').evaluate((el) => el === el.getRootNode().activeElement),
    'focus on the first option');

  // Typed and chosen answers land where the visitor put them.
  await visitor.getByLabel('Yes').check();
  await where.fill('Left cheek');
  await other.fill('No');
  await continueButton(visitor).click();
  await heading(visitor, 'Check your answers').waitFor();
  assert.ok(await visitor.getByText('Left cheek', { exact: true }).isVisible());
  assert.deepEqual(problems, []);
  await context.close();
});
