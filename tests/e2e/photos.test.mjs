// End to end: photos of the skin (issue 24), added as a visitor would, by labels, roles and
// visible text. A photo with a phone's EXIF (camera, place, orientation) is made upright and
// sent without any of it, and stored re-encoded by the receiver; files that are not photos, or
// too large, are refused by name through the error summary; the keyboard alone adds, describes
// and removes a photo; a lost answer and a retry store the photos once.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { start, openWidget, continueButton, tabTo, axe } from './support/browser.mjs';
import { startReceiver } from './support/receiver.mjs';
import { STEPS, heading, fillAboutYou, fillYourSkin } from './support/visitor.mjs';
import { drawnJpeg, withExif, hasExif, size, segments, MAKE } from './support/jpeg.mjs';

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
beforeEach(async () => { await receiver.control({ reset: true }); });

const sending = () => ({ 'data-clinic-name': 'Glow Clinic', 'data-endpoint': receiver.endpoint });
const choose = (page) => page.getByLabel('Choose photos');
const jpeg = (name, buffer) => ({ name, mimeType: 'image/jpeg', buffer });

/** Opens the widget and answers About you, ending on Your skin. */
async function toYourSkin(settings = sending()) {
  const visit = await openWidget(env, { settings });
  await fillAboutYou(visit.page);
  await continueButton(visit.page).click();
  await heading(visit.page, 'Your skin').waitFor();
  return visit;
}

/** From Your skin (its photos added), the rest of the steps, then Submit: the request's id. */
async function finishAndSubmit(page) {
  await fillYourSkin(page);
  await continueButton(page).click();
  for (const [title, fill] of STEPS.slice(2)) {
    await heading(page, title).waitFor();
    await fill(page);
    await continueButton(page).click();
  }
  await heading(page, 'Check your answers').waitFor();
  const request = page.waitForRequest((r) => r.url() === receiver.endpoint && r.method() === 'POST');
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  return (await request).headers()['idempotency-key'];
}

/** The photos stored with a submission, as the receiver's FHIR export carries them. */
async function storedPhotos(id) {
  const responses = (await receiver.storedFhir()).split('\n').filter(Boolean).map((line) => JSON.parse(line));
  const ours = responses.filter((r) => JSON.stringify(r.identifier ?? '').includes(id));
  assert.equal(ours.length, 1, 'stored once');
  const answers = [];
  const walk = (items) => (items ?? []).forEach((item) => {
    (item.answer ?? []).forEach((a) => a.valueAttachment && answers.push(a.valueAttachment));
    walk(item.item);
  });
  walk(ours[0].item);
  return answers.map((a) => ({ title: a.title, bytes: Buffer.from(a.data, 'base64') }));
}

test('a phone photo is sent upright and without its EXIF, and stored re-encoded without any', async (t) => {
  const { page, context, problems } = await toYourSkin();
  assert.ok(await page.getByText('Photos stay on this page only').isVisible(), 'told before anything could be lost');
  // A 12-megapixel photo as a phone takes it, and a small one turned a quarter.
  const placed = withExif(await drawnJpeg(page, 4000, 3000, { grain: true }));
  const turned = withExif(await drawnJpeg(page, 300, 200), { orientation: 6 });
  await choose(page).setInputFiles([jpeg('cheek.jpg', placed), jpeg('turned.jpg', turned)]);
  await page.getByRole('img', { name: 'Photo 2' }).waitFor();
  await page.getByLabel('Which area is this? (optional)').first().fill('Left cheek');
  await page.getByRole('img', { name: 'Left cheek' }).waitFor();

  const response = page.waitForResponse((r) => r.url() === receiver.endpoint && r.request().method() === 'POST');
  const id = await finishAndSubmit(page);
  assert.equal((await response).status(), 201);
  const sent = await receiver.lastBody();
  assert.match(sent.toString('latin1'), /name="submission"[\s\S]*name="photo:[0-9a-f-]{36}"[\s\S]*name="photo:/, 'the JSON, then each photo, as parts');
  await heading(page, 'Your answers have been sent').waitFor();
  assert.ok(!sent.includes(Buffer.from(MAKE)), 'the camera is not in what was sent');
  assert.ok(!sent.includes(Buffer.from('Exif\0\0')), 'no EXIF in what was sent');

  const stored = await storedPhotos(id);
  assert.equal(stored.length, 2);
  assert.equal(stored[0].title, 'Left cheek', 'its description, for staff');
  assert.ok(!stored[1].title, 'none given');
  for (const { bytes } of stored) {
    assert.ok(!hasExif(bytes), 'no EXIF stored');
    assert.ok(!bytes.includes(Buffer.from(MAKE)), 'no camera stored');
  }
  assert.deepEqual(size(stored[0].bytes), { width: 2048, height: 1536 }, 'at most 2,048 px on its long side');
  assert.deepEqual(size(stored[1].bytes), { width: 200, height: 300 }, 'turned upright by its orientation');
  // Upright: a quarter turn clockwise puts the red left half at the top.
  const [top, bottom] = await page.evaluate(async (b64) => {
    const bitmap = await createImageBitmap(await (await fetch(`data:image/jpeg;base64,${b64}`)).blob());
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    return [ctx.getImageData(100, 40, 1, 1).data, ctx.getImageData(100, 260, 1, 1).data].map((d) => [...d.slice(0, 3)]);
  }, stored[1].bytes.toString('base64'));
  assert.ok(top[0] > 150 && top[2] < 100, `red at the top (${top})`);
  assert.ok(bottom[2] > 150 && bottom[0] < 100, `blue at the bottom (${bottom})`);
  const part = sent.length - turned.length; // near enough: the small one is a few KB
  const names = { 0xffe0: 'APP0', 0xffdb: 'DQT', 0xffc0: 'SOF0', 0xffc2: 'SOF2', 0xffc4: 'DHT', 0xffda: 'SOS', 0xffdd: 'DRI', 0xfffe: 'COM' };
  const markers = segments(stored[0].bytes).map(({ marker, data }) => names[marker] === 'APP0' ? `APP0 ${data.subarray(0, 4).toString('latin1')}` : names[marker] ?? marker.toString(16));
  assert.ok(markers.every((m) => !/^ffe[1-9a-f]$/.test(m)), `no application segment but JFIF's: ${markers}`);
  t.diagnostic(`the stored file's segments before its image data: ${markers.join(', ')}`);
  t.diagnostic(`the 12-megapixel photo: ${placed.length} bytes as taken; the request with it, the small one and the JSON ${sent.length} bytes (about ${part} without the small one); ${stored[0].bytes.length} bytes as stored`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a file that is not a photo, one too large and one the browser cannot open are refused by name', async () => {
  const { page, context, problems } = await toYourSkin();
  await choose(page).setInputFiles([{ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') }]);
  const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
  await summary.getByRole('link', { name: 'notes.txt is not a photo: choose a JPEG, PNG or HEIC image' }).waitFor();
  await choose(page).setInputFiles([jpeg('huge.jpg', Buffer.alloc(41 * 1024 * 1024))]);
  await summary.getByRole('link', { name: 'huge.jpg is too large: choose a photo under 40 MB and 50 megapixels' }).waitFor();
  await choose(page).setInputFiles([{ name: 'skin.heic', mimeType: 'image/heic', buffer: Buffer.from('ftypheic, not decodable here') }]);
  await summary.getByRole('link', { name: 'skin.heic could not be opened in this browser: choose a JPEG or PNG photo' }).waitFor();
  assert.deepEqual(await axe(page), [], 'axe with a refusal shown');
  assert.equal(await page.getByRole('img', { name: /^Photo/ }).count(), 0, 'nothing was added');
  // A refusal is told, not an answer to fix: Continue goes on.
  await fillYourSkin(page);
  await continueButton(page).click();
  await heading(page, 'Treatment preferences').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('keyboard only: choose a photo, describe it, remove it; axe with a photo', async () => {
  const { page, context, problems } = await toYourSkin();
  const photo = withExif(await drawnJpeg(page, 120, 90));
  await tabTo(page, choose(page));
  const chooser = page.waitForEvent('filechooser');
  await page.keyboard.press('Space');
  await (await chooser).setFiles([jpeg('chin.jpg', photo)]);
  await page.getByRole('img', { name: 'Photo 1' }).waitFor();
  await tabTo(page, page.getByLabel('Which area is this? (optional)'));
  await page.keyboard.type('Chin');
  await page.getByRole('img', { name: 'Chin' }).waitFor();
  assert.deepEqual(await axe(page), [], 'axe with a photo');
  await page.keyboard.press('Tab');
  const remove = page.getByRole('button', { name: 'Remove Photo 1' });
  assert.ok(await remove.evaluate((el) => el === el.getRootNode().activeElement));
  await page.keyboard.press('Enter');
  await remove.waitFor({ state: 'detached' });
  assert.equal(await page.getByRole('img', { name: 'Chin' }).count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a photo dropped on the question is taken as one chosen', async () => {
  const { page, context, problems } = await toYourSkin();
  const photo = (await drawnJpeg(page, 160, 120)).toString('base64');
  const dropped = await page.evaluateHandle(async (b64) => {
    const blob = await (await fetch(`data:image/jpeg;base64,${b64}`)).blob();
    const transfer = new DataTransfer();
    transfer.items.add(new File([blob], 'forehead.jpg', { type: 'image/jpeg' }));
    return transfer;
  }, photo);
  // Dropped on the question's words, beside the two inputs: all of it takes a drop.
  const area = page.getByText('Photos stay on this page only');
  await area.dispatchEvent('dragover', { dataTransfer: dropped });
  await area.dispatchEvent('drop', { dataTransfer: dropped });
  await page.getByRole('img', { name: 'Photo 1' }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('an answer lost after the receiver stored it, then Retry: the photos are stored once', async () => {
  const { page, context, problems } = await toYourSkin();
  await choose(page).setInputFiles([jpeg('cheek.jpg', withExif(await drawnJpeg(page, 200, 150)))]);
  await page.getByRole('img', { name: 'Photo 1' }).waitFor();
  await receiver.control({ lose_answer: 500 });
  const id = await finishAndSubmit(page);
  await heading(page, 'Your answers have not been sent').waitFor();
  await page.getByRole('button', { name: 'Retry' }).click();
  await heading(page, 'Your answers have been sent').waitFor();
  assert.equal((await receiver.requests())[id], 2, 'sent twice, with a new form boundary');
  const stored = await storedPhotos(id);
  assert.equal(stored.length, 1);
  assert.deepEqual(problems.filter((p) => !p.includes('status of 500')), [], 'no console error but the lost answer');
  await context.close();
});

test('to a form backend of another kind the photo question says photos are not sent, and asks for none', async () => {
  const settings = { 'data-clinic-name': 'Glow Clinic', 'data-endpoint': `${new URL(receiver.endpoint).origin}/forms/consultation` };
  const { page, context, problems } = await toYourSkin(settings);
  const question = page.getByRole('group', { name: 'Photos of the areas to treat (optional)' });
  await question.getByText('Photos cannot be sent from this form. Please bring them to your consultation.').waitFor();
  assert.equal(await choose(page).count(), 0);
  // (This endpoint offers no proof-of-work challenge: its 404 is the one console line.)
  assert.deepEqual(problems.filter((p) => !p.includes('status of 404')), []);
  await context.close();
});
