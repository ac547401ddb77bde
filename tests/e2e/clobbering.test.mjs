// End to end: content others wrote, shown on a clinic's page (a review, a CMS comment), trying
// to turn the embed against its visitors (issue 19). Named elements shadow `document`'s own
// properties (DOM clobbering): an <img name="currentScript"> planted before the real script
// once stood in for it, with its own data-endpoints. Planted widgets then name a stranger's
// endpoint, email address or questionnaire. The stranger is a real server on 127.0.0.1 that
// records every request: it must receive none. The widget's files, the clinic's pages and the
// stranger are each on their own origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { start, DIST } from './support/browser.mjs';
import { serveDirectory } from './support/static-server.mjs';
import { heading } from './support/visitor.mjs';

let env; // the widget's files, with CORS
let site; // the clinic's pages
let stranger; // where planted content wants the answers to go
const reached = []; // every request the stranger received
before(async () => {
  env = await start({ cors: true });
  site = await serveDirectory(fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-')));
  site.add('/favicon.ico', '', { 'content-type': 'image/x-icon' });
  // Answers anything, CORS preflights included, as a collector of answers would.
  stranger = http.createServer((req, res) => {
    reached.push(`${req.method} ${req.url}`);
    res.writeHead(200, {
      'access-control-allow-origin': '*',
      'access-control-allow-headers': '*',
      'access-control-allow-methods': 'GET, POST',
      'content-type': 'application/json',
    });
    res.end('{}');
  });
  await new Promise((resolve) => stranger.listen(0, '127.0.0.1', resolve));
  stranger.origin = `http://127.0.0.1:${stranger.address().port}`;
});
after(async () => {
  stranger?.closeAllConnections();
  await new Promise((resolve) => (stranger ? stranger.close(resolve) : resolve()));
  await site?.close();
  await env?.close();
});

const integrity = () => JSON.parse(fs.readFileSync(path.join(DIST, 'integrity.json'), 'utf8'))['consultation-form.js'];
const escape = (v) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/** A clinic page: `body` (the clinic's own widget and what others wrote), then the loader
 *  with its integrity and the lists the clinic set on it (`{ 'data-endpoints': … }`). */
function clinicPage(body, lists = {}) {
  const attributes = Object.entries(lists).map(([name, value]) => ` ${name}="${escape(value)}"`).join('');
  const html = `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Glow Clinic</title></head>
<body><h1>Glow Clinic</h1>${body}
<script src="${env.server.url}consultation-form.js" integrity="${integrity()}" crossorigin="anonymous"${attributes}></script></body></html>`;
  return site.add(`/clinic-${Math.random().toString(36).slice(2)}.html`, html);
}

/** A fresh context on `url`, recording console errors, uncaught errors and the widgets'
 *  `ready` and `failed` events. */
async function visit(url) {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.heard = [];
    for (const name of ['ready', 'failed']) {
      document.addEventListener(`consultation-form:${name}`, (e) => window.heard.push(`${name} ${e.target.id}`), true);
    }
  });
  const errors = [];
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(url);
  return { page, context, errors, problems };
}

/** The refusal in the planted widget's box, once the wasm has drawn it. */
async function refusal(page) {
  const box = page.locator('#planted').getByRole('alert');
  await box.waitFor();
  assert.equal(await box.getByRole('heading').textContent(), 'This form is not set up correctly');
  return box.textContent();
}

// The planted element before the real script, in the forms DOM clobbering takes: named
// images (the issue's own), objects and forms shadow `document.currentScript`; the names and
// ids of other elements would shadow the globals the loader checks with, if they could.
// `loader` is the real loader's address, `target` the stranger's origin.
const CLOBBERS = [
  ['an <img name="currentScript"> with the stranger in its data-endpoints', (loader, target) =>
    `<img name="currentScript" alt="" src="${loader}" data-endpoints="${target}">`],
  ['an <object name="currentScript">', (loader, target) =>
    `<object name="currentScript" data-endpoints="${target}"></object>`],
  ['a <form name="currentScript"> with a field named src', (loader, target) =>
    `<form name="currentScript" data-endpoints="${target}"><input name="src" value="${loader}"></form>`],
  ['an <img name="currentScript"> with elements named like the globals the loader checks with', (loader, target) =>
    `<img name="currentScript" alt="" src="${loader}" data-endpoints="${target}">
     <img id="HTMLScriptElement" name="HTMLScriptElement" alt=""><a id="Document" href="#">x</a>
     <img name="Object" alt=""><a id="location" href="${target}/">y</a>`],
];

for (const [what, plant] of CLOBBERS) {
  test(`${what}, and a widget naming a stranger's endpoint: refused, the stranger hears nothing, the clinic's own works`, async () => {
    reached.length = 0;
    const endpoint = `${stranger.origin}/c`;
    const url = clinicPage(`<div id="real" data-consultation-form data-clinic-name="Glow Clinic"></div>
      <p>A visitor's review:</p>${plant(`${env.server.url}consultation-form.js`, stranger.origin)}
      <div id="planted" data-consultation-form data-endpoint="${endpoint}" data-clinic-name="Glow Clinic"></div>`,
    { 'data-endpoints': 'https://clinic.example.com' });
    const { page, context, errors, problems } = await visit(url);
    assert.equal(await refusal(page),
      `This form is not set up correctlyA setting on this page needs fixing: data-endpoint: "${endpoint}" is not an endpoint this page allows: list ${stranger.origin} in data-endpoints on the consultation-form.js script.If you are a visitor, please contact the clinic directly.`);
    // The clinic's own widget, mounted by the wasm from the real script.
    await heading(page.locator('#real'), 'About you').waitFor();
    await page.waitForFunction(() => window.heard.includes('ready real'));
    assert.deepEqual(await page.evaluate(() => window.heard.filter((e) => e.endsWith('planted'))), ['failed planted']);
    assert.deepEqual(problems, []);
    assert.ok(!errors.some((e) => e.includes('own <script> element is unknown')), 'the real script was found');
    // Refused before any form was drawn by the wasm: nothing can be sent there later.
    assert.deepEqual(reached, [], 'the stranger received nothing');
    await context.close();
  });
}

test('a planted widget naming a clinic email the script does not list is refused: no mailto to it', async () => {
  reached.length = 0;
  const url = clinicPage(`<div id="real" data-consultation-form data-clinic-name="Glow Clinic" data-clinic-email="bookings@example.com"></div>
    <img name="currentScript" alt="" src="${env.server.url}consultation-form.js" data-clinic-emails="x@evil.example">
    <div id="planted" data-consultation-form data-clinic-name="Glow Clinic" data-clinic-email="x@evil.example"></div>`,
  { 'data-clinic-emails': 'bookings@example.com' });
  const { page, context, errors } = await visit(url);
  assert.match(await refusal(page),
    /data-clinic-email: "x@evil\.example" is not a clinic email this page allows: list x@evil\.example in data-clinic-emails on the consultation-form\.js script/);
  assert.ok(errors.some((e) => e.startsWith('Consultation form: data-clinic-email: "x@evil.example" is not a clinic email')));
  await heading(page.locator('#real'), 'About you').waitFor();
  // Nowhere on the page, in any widget's shadow root, a link or text naming the stranger.
  const named = await page.evaluate(() => [...document.querySelectorAll('[data-consultation-form]')]
    .filter((host) => host.id !== 'planted')
    .map((host) => host.shadowRoot.innerHTML)
    .concat([...document.querySelector('#planted').shadowRoot.querySelectorAll('a')].map((a) => a.href))
    .filter((text) => text.includes('evil.example')));
  assert.deepEqual(named, []);
  assert.deepEqual(reached, []);
  await context.close();

  // Without data-clinic-emails on the script, no widget's address is trusted.
  const bare = await visit(clinicPage('<div id="planted" data-consultation-form data-clinic-email="bookings@example.com"></div>'));
  assert.match(await refusal(bare.page), /"bookings@example\.com" is not a clinic email this page allows/);
  await bare.context.close();
});

test('a planted widget naming a questionnaire the script does not list is refused and never fetches it', async () => {
  reached.length = 0;
  const custom = {
    id: 'peel-consultation', version: '2', title: 'Chemical peel consultation',
    steps: [{ id: 'contact', title: 'Your details', questions: [{ id: 'full_name', kind: 'text', label: 'Your name', required: true }] }],
  };
  site.add('/forms/peel.json', JSON.stringify(custom), { 'content-type': 'application/json' });
  const planted = `${stranger.origin}/q.json`;
  // Relative on both sides: the script's list is taken from the page's own address.
  const url = clinicPage(`<div id="real" data-consultation-form data-questionnaire="forms/peel.json"></div>
    <img name="currentScript" alt="" src="${env.server.url}consultation-form.js" data-questionnaires="${planted}">
    <div id="planted" data-consultation-form data-questionnaire="${planted}"></div>`,
  { 'data-questionnaires': '/forms/peel.json' });
  const { page, context } = await visit(url);
  assert.match(await refusal(page),
    new RegExp(`data-questionnaire: "${planted}" is not a questionnaire this page allows: list ${planted} in data-questionnaires on the consultation-form\\.js script`));
  await heading(page.locator('#real'), 'Your details').waitFor();
  assert.deepEqual(reached, [], 'the stranger received nothing');
  await context.close();
});
