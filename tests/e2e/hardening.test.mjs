// End to end: the embed tried as an attacker would (issue 14). Files that are not the ones the
// clinic chose, a planted element naming another endpoint, a loopback endpoint on a page that
// is not on loopback, a redirecting endpoint, an iframe embed with no host page listed, and
// what session-replay tools are told to leave out. Real servers on 127.0.0.1; the clinic's
// page also under a host name (`clinic.test`, mapped to 127.0.0.1 by Chromium's
// --host-resolver-rules in support/browser.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { start, DIST, continueButton } from './support/browser.mjs';
import { serveDirectory } from './support/static-server.mjs';
import { startReceiver } from './support/receiver.mjs';
import { completeSteps, heading } from './support/visitor.mjs';

let env; // the widget's files, with CORS
let site; // the clinic's pages, on another origin
let receiver;
before(async () => {
  env = await start({ cors: true });
  site = await serveDirectory(fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-')));
  site.add('/favicon.ico', '', { 'content-type': 'image/x-icon' });
  receiver = await startReceiver({ origins: [site.origin, site.origin.replace('127.0.0.1', 'clinic.test')] });
});
after(async () => {
  await receiver?.close();
  await site?.close();
  await env?.close();
});

const integrity = () => JSON.parse(fs.readFileSync(path.join(DIST, 'integrity.json'), 'utf8'))['consultation-form.js'];

/** A clinic page: `body` inside, the loader from `files` (the widget's origin) with its
 *  integrity and `data-endpoints`. */
function clinicPage(body, { files = env.server, endpoints } = {}) {
  const allowed = endpoints === undefined ? '' : ` data-endpoints="${endpoints}"`;
  const html = `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Glow Clinic</title></head>
<body><h1>Glow Clinic</h1>${body}
<script src="${files.url}consultation-form.js" integrity="${integrity()}" crossorigin="anonymous"${allowed}></script></body></html>`;
  return site.add(`/clinic-${Math.random().toString(36).slice(2)}.html`, html);
}

/** A fresh context on `url`, recording every request and console error. */
async function visit(url) {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  page.on('request', (r) => requests.push(`${r.method()} ${r.url()}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  return { page, context, requests, errors };
}

/** A copy of the build with one byte of `file` changed, served on its own origin. */
async function tampered(pattern) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tampered-'));
  fs.cpSync(DIST, dir, { recursive: true });
  const name = fs.readdirSync(dir).find((f) => pattern.test(f));
  const file = path.join(dir, name);
  const bytes = fs.readFileSync(file);
  bytes[Math.floor(bytes.length / 2)] ^= 0x01;
  fs.writeFileSync(file, bytes);
  const server = await serveDirectory(dir, { cors: true });
  return { server, close: async () => { await server.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
}

// The wasm these pages load: the one without the questionnaire reader (their scripts list no
// questionnaire files).
for (const [what, pattern] of [['wasm', /^consultation-widget-builtin-[0-9a-f]+_bg\.wasm$/], ['JavaScript glue', /^consultation-widget-[0-9a-f]+\.js$/]]) {
  test(`one byte of the ${what} changed on the server: the widget says it could not load, and nothing is sent`, async () => {
    const files = await tampered(pattern);
    try {
      const endpoint = receiver.endpoint;
      const url = clinicPage(`<div data-consultation-form data-endpoint="${endpoint}"></div>`,
        { files: files.server, endpoints: new URL(endpoint).origin });
      const { page, context, requests } = await visit(url);
      const alert = page.locator('[data-consultation-form]').getByRole('alert');
      await alert.waitFor();
      assert.equal(await alert.textContent(),
        'The consultation form could not load. Please refresh the page, or contact the clinic directly.');
      // The first step drawn ahead of the wasm (issue 15) stays, under the alert, but cannot go on.
      assert.equal(await continueButton(page).isDisabled(), true, 'no way on without the wasm');
      assert.deepEqual(requests.filter((r) => r.includes(endpoint)), [], 'nothing sent');
      await context.close();
    } finally {
      await files.close();
    }
  });
}

test('a planted element naming another endpoint is refused and sends nothing; the clinic\'s own works', async () => {
  const planted = 'https://collector.example/answers';
  const url = clinicPage(`<div id="real" data-consultation-form data-endpoint="${receiver.endpoint}" data-clinic-name="Glow Clinic"></div>
    <p>A visitor's review:</p><div id="planted" data-consultation-form data-endpoint="${planted}"></div>`,
  { endpoints: new URL(receiver.endpoint).origin });
  const { page, context, requests, errors } = await visit(url);
  const box = page.locator('#planted').getByRole('alert');
  await box.waitFor();
  assert.match(await box.textContent(),
    /data-endpoint: "https:\/\/collector\.example\/answers" is not an endpoint this page allows: list https:\/\/collector\.example in data-endpoints/);
  assert.ok(errors.some((e) => e.includes('is not an endpoint this page allows')));
  await heading(page.locator('#real'), 'About you').waitFor();
  assert.ok(!requests.some((r) => r.includes('collector.example')));
  await context.close();

  // Without data-endpoints on the script, no endpoint at all is trusted.
  const bare = clinicPage(`<div data-consultation-form data-endpoint="${receiver.endpoint}"></div>`);
  const second = await visit(bare);
  const alert = second.page.locator('[data-consultation-form]').getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /is not an endpoint this page allows/);
  await second.context.close();
});

test('a loopback endpoint works only from a page on loopback', async () => {
  const body = `<div data-consultation-form data-endpoint="${receiver.endpoint}"></div>`;
  const endpoints = new URL(receiver.endpoint).origin;
  // The same page under a host name: a page on the internet must not post to the visitor's
  // own computer.
  const url = clinicPage(body, { endpoints }).replace('127.0.0.1', 'clinic.test');
  const { page, context } = await visit(url);
  assert.equal(new URL(page.url()).hostname, 'clinic.test');
  const alert = page.locator('[data-consultation-form]').getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /is on this computer \(localhost\), which only a page on this computer may send to/);
  await context.close();
  // On 127.0.0.1 itself, the same endpoint is fine.
  const local = await visit(clinicPage(body, { endpoints }));
  await heading(local.page, 'About you').waitFor();
  await local.context.close();
});

test('an endpoint that redirects never carries the answers on', async () => {
  // Answers the CORS preflight, then redirects the POST to the real receiver.
  const seen = [];
  const redirector = http.createServer((req, res) => {
    seen.push(req.method);
    const cors = {
      'access-control-allow-origin': req.headers.origin ?? '*',
      'access-control-allow-headers': 'content-type, accept, idempotency-key',
      'access-control-allow-methods': 'POST',
    };
    if (req.method === 'OPTIONS') { res.writeHead(204, cors); res.end(); return; }
    res.writeHead(307, { ...cors, location: receiver.endpoint });
    res.end();
  });
  await new Promise((r) => redirector.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${redirector.address().port}/in`;
  try {
    const url = clinicPage(`<div data-consultation-form data-endpoint="${endpoint}"></div>`,
      { endpoints: new URL(endpoint).origin });
    const { page, context, requests } = await visit(url);
    await heading(page, 'About you').waitFor();
    await completeSteps(page, { email: 'redirect@example.com' });
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    await page.getByRole('heading', { name: 'Your answers have not been sent' }).waitFor();
    assert.ok(seen.includes('POST'), 'the redirecting endpoint was asked');
    assert.ok(!requests.some((r) => r.startsWith('POST') && r.includes(receiver.endpoint)), 'the redirect was not followed');
    assert.deepEqual((await receiver.stored()).filter((s) => s._replyto === 'redirect@example.com'), []);
    await context.close();
  } finally {
    await new Promise((r) => { redirector.closeAllConnections(); redirector.close(r); });
  }
});

/** frame.html as the build ships it (no endpoint), with `data-host-origins` when given. */
function frame(hostOrigins) {
  let html = env.server.read('frame.html');
  if (hostOrigins) html = html.replace('<div data-consultation-form', `<div data-consultation-form data-host-origins="${hostOrigins}"`);
  return env.server.add(`/frame-${Math.random().toString(36).slice(2)}.html`, html);
}

/** In the page: every message from the frame, and a barrier: `ping(frame)` resolves once the
 *  frame has handled everything the page sent before it (messages between two windows keep
 *  their order), so what the frame would have answered has arrived. */
async function frames(page) {
  await page.evaluate(() => {
    window.fromFrames = [];
    window.addEventListener('message', (e) => { if (e.data && e.data.consultationForm) window.fromFrames.push(e.data); });
  });
}
async function barrier(page, frameLocator) {
  const inside = await (await page.locator(frameLocator).elementHandle()).contentFrame();
  await inside.evaluate(() => window.addEventListener('message', (e) => {
    if (e.data && e.data.ping) e.source.postMessage({ pong: e.data.ping }, '*');
  }));
  return page.evaluate((selector) => new Promise((done) => {
    const target = document.querySelector(selector).contentWindow;
    const id = Math.random();
    window.addEventListener('message', function pong(e) {
      if (e.data && e.data.pong === id) { window.removeEventListener('message', pong); done(window.fromFrames.slice()); }
    });
    target.postMessage({ consultationForm: 1, type: 'hello' }, '*');
    target.postMessage({ ping: id }, '*');
  }), frameLocator);
}

test('the iframe embed talks to no page unless the page is listed, and sends its height only when it changes', async () => {
  const hostOrigin = site.origin;
  const url = clinicPage(`<iframe id="unlisted" src="${frame(null)}" title="Consultation form"></iframe>
    <iframe id="listed" src="${frame(hostOrigin)}" title="Consultation form, listed"></iframe>`);
  const { page, context } = await visit(url);
  await frames(page);
  await heading(page.frameLocator('#unlisted'), 'About you').waitFor();
  await heading(page.frameLocator('#listed'), 'About you').waitFor();

  // The unlisted frame answers no greeting: not its height, not its events.
  assert.deepEqual(await barrier(page, '#unlisted'), []);
  // The listed one answers with its height.
  const heard = await barrier(page, '#listed');
  assert.ok(heard.some((m) => m.type === 'height'), JSON.stringify(heard));
  // Typing does not change the height: nothing more is sent.
  const before = (await barrier(page, '#listed')).length;
  await page.frameLocator('#listed').getByLabel('Full name').fill('Jane Example');
  assert.equal((await barrier(page, '#listed')).length, before, 'no message per keystroke');
  // A change of height is sent: errors make the step taller.
  const heights = () => window.fromFrames.filter((m) => m.type === 'height').length;
  const sent = await page.evaluate(heights);
  await continueButton(page.frameLocator('#listed')).click();
  await page.waitForFunction((n) => window.fromFrames.filter((m) => m.type === 'height').length > n, sent);
  await context.close();
});

test('the built demo and frame pages ship with no endpoint, and without one the visitor sends by hand', async () => {
  for (const name of ['index.html', 'frame.html', 'iframe-demo.html']) {
    assert.ok(!/data-endpoint=/.test(fs.readFileSync(path.join(DIST, name), 'utf8')), `${name} names no endpoint`);
  }
  const { page, context, requests } = await visit(`${env.server.url}index.html`);
  await heading(page, 'About you').waitFor();
  await completeSteps(page, { email: 'no-endpoint@example.com' });
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  await heading(page, 'Your answers are ready to send').waitFor();
  assert.ok(!requests.some((r) => r.startsWith('POST')), 'nothing posted anywhere');
  await context.close();
});

test('a draft is removed the moment its life ends, though the page stays open', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.clock.install();
  await page.goto(clinicPage('<div id="w" data-consultation-form data-draft-hours="1"></div>'));
  await heading(page, 'About you').waitFor();
  await page.getByLabel('Full name').fill('Zoë Example');
  const saved = () => page.evaluate(() => sessionStorage.length);
  await page.waitForFunction(() => sessionStorage.length === 1);
  await page.clock.runFor('59:00');
  assert.equal(await saved(), 1, 'kept within its hour');
  await page.clock.runFor('01:01');
  assert.equal(await saved(), 0, 'removed at the end of its hour, with nothing typed since');
  // What the visitor typed is still on the page: only the stored copy goes.
  assert.equal(await page.getByLabel('Full name').inputValue(), 'Zoë Example');
  await context.close();
});

test('session-replay tools are told to leave the widget out', async () => {
  const url = clinicPage('<div data-consultation-form></div>');
  const { page, context } = await visit(url);
  await heading(page, 'About you').waitFor();
  const marks = await page.locator('[data-consultation-form]').evaluate((host) => {
    const root = host.shadowRoot.querySelector('.cw-root');
    return { classes: [...root.classList].sort(), hj: root.hasAttribute('data-hj-suppress'),
      clarity: root.getAttribute('data-clarity-mask'), lr: root.hasAttribute('data-private') };
  });
  assert.deepEqual(marks, { classes: ['cw-root', 'fs-exclude', 'ph-no-capture', 'rr-block'], hj: true, clarity: 'true', lr: true });
  await context.close();
});
