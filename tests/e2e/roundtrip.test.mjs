// End to end: what the browser sends is what the clinic's receiver reads, field for field,
// with the same Rust types (issue 10). A visitor completes the form in Chromium, with hostile
// and right-to-left text; the request body the browser sent is compared with what the receiver
// stored, and the receiver's own staff summary, rebuilt from the answers with the core it
// shares with the widget, with the one the browser wrote.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, openWidget } from './support/browser.mjs';
import { startReceiver } from './support/receiver.mjs';
import { HOSTILE, completeSteps, heading } from './support/visitor.mjs';

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

test('the submission the browser sends is stored exactly, and the receiver rebuilds the same summary from it', async () => {
  const { page, context, problems } = await openWidget(env, {
    settings: { 'data-endpoint': receiver.endpoint, 'data-clinic-name': 'Glow Clinic' },
  });
  const bodies = [];
  page.on('request', (r) => { if (r.method() === 'POST') bodies.push(r.postData()); });
  await completeSteps(page, { email: 'roundtrip@example.com' });
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  await heading(page, 'Your answers have been sent').waitFor();

  assert.equal(bodies.length, 1);
  const sent = JSON.parse(bodies[0]);
  assert.ok(JSON.stringify(sent).includes(JSON.stringify(HOSTILE).slice(1, -1)), 'the hostile answer was sent');
  const [stored] = (await receiver.stored()).filter((s) => s.submission_id === sent.submission_id);
  // Read back by the receiver's serde types and written out again: every field the same.
  assert.deepEqual(stored, sent);
  // The receiver never trusts the browser's summary; rebuilt from the answers, it is the same.
  const own = await receiver.storedText();
  assert.ok(own.includes(sent.message), `the receiver's summary:\n${own}\nthe browser's:\n${sent.message}`);
  assert.ok(sent.flags.length > 0 && own.includes(`NEEDS PRACTITIONER REVIEW (${sent.flags.length})`));
  assert.deepEqual(problems, []);
  await context.close();
});
