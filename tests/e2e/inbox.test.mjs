// The staff inbox, end to end: a visitor submits through the widget to the real receiver
// (SQLite in a fresh folder, a real SMTP server: aiosmtpd), the notification arrives, a staff
// member signs in with a password and a TOTP code computed here (RFC 6238), sees the request
// at the top with its flags badge, opens it (flags first), marks it reviewed, exports FHIR
// and CSV; an admin deletes it, and it is gone from the list, the exports and the file's
// bytes. An admin adds an account in the inbox; its owner signs in with the issued password
// and must choose their own first. axe-core's WCAG 2.2 A/AA rules run on every inbox page and
// state; 320 px never scrolls sideways; the admin signs in by keyboard only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { start, openWidget, axe, tabTo } from './support/browser.mjs';
import { receiverBinary } from './support/receiver.mjs';
import { completeSteps, heading } from './support/visitor.mjs';

const PASSWORD = 'correct horse battery staple';
const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});
const until = async (what, check, tries = 300) => {
  for (let i = 0; i < tries; i += 1) {
    try { if (await check()) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`waited for ${what}`);
};

/** RFC 6238 TOTP: HMAC-SHA-1 over the 30-second counter, dynamic truncation, 6 digits. */
function totp(base32, at = Date.now() / 1000) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32.replace(/\s+/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30)));
  const mac = crypto.createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

let env; let smtp; let receiver; let dir; let database; let url; let smtpOut = '';
const bin = receiverBinary();
const axeResults = {};

async function staffAdd(email, role) {
  const child = spawn(bin, ['staff', 'add', '--database', database, '--email', email, '--role', role], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end(`${PASSWORD}\n`);
  const code = await new Promise((r) => child.once('exit', r));
  assert.equal(code, 0);
}

before(async () => {
  env = await start();
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'inbox-'));
  database = `sqlite://${path.join(dir, 'data/receiver.db')}`;
  const [port, smtpPort] = [await freePort(), await freePort()];
  url = `http://127.0.0.1:${port}`;
  smtp = spawn('python3', ['-u', '-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${smtpPort}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  smtp.stdout.on('data', (d) => { smtpOut += d; });
  await until('aiosmtpd', () => new Promise((resolve) => {
    const s = net.connect(smtpPort, '127.0.0.1', () => { s.end(); resolve(true); }).on('error', () => resolve(false));
  }));
  receiver = spawn(bin, ['serve', '--listen', `127.0.0.1:${port}`, '--database', database,
    '--allow-origin', env.server.origin, '--smtp', `smtp://127.0.0.1:${smtpPort}`, '--notify', 'staff@example.com',
    '--from', 'Receiver <receiver@example.com>', '--public-url', url], {
    stdio: ['ignore', 'ignore', 'inherit'],
    // The key sealing two-factor secrets at rest (a test value; a clinic keeps its own file).
    env: { ...process.env, RUST_LOG: 'error', CONSULTATION_TOTP_KEY: '42'.repeat(32) },
  });
  await until('the receiver', async () => (await fetch(`${url}/healthz`)).ok);
  await staffAdd('admin@example.com', 'admin');
  await staffAdd('nurse@example.com', 'staff');
});

after(async () => {
  receiver?.kill('SIGKILL');
  smtp?.kill('SIGKILL');
  await env?.close();
  if (dir) await fsp.rm(dir, { recursive: true, force: true });
  console.log(`axe per inbox page: ${JSON.stringify(axeResults)}`);
});

// bypassCSP: axe-core is injected as an inline script, which the inbox's CSP refuses (the
// receiver's own tests check the header itself).
async function checkPage(page, name) {
  const violations = await axe(page);
  axeResults[name] = violations.length;
  assert.deepEqual(violations, [], `${name}: axe`);
  await page.setViewportSize({ width: 320, height: 800 });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
  assert.equal(wide, false, `${name}: no horizontal scroll at 320 px`);
  await page.setViewportSize({ width: 1000, height: 900 });
}

async function signIn(page, email, code = '') {
  await page.goto(`${url}/inbox/sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  if (code) await page.getByLabel(/Authentication code/).fill(code);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const dbBytes = () => Buffer.concat(['', '-wal'].map((s) => {
  const file = `${database.slice('sqlite://'.length)}${s}`;
  return fs.existsSync(file) ? fs.readFileSync(file) : Buffer.alloc(0);
}));

test('journey: the widget submits, staff sign in with TOTP, act, export; an admin erases it', async () => {
  const marker = `erase-${crypto.randomUUID().slice(0, 8)}@example.com`;
  // 1. A visitor submits through the widget.
  const { page: visitor, context: vctx } = await openWidget(env, {
    settings: { 'data-clinic-name': 'Glow Clinic', 'data-clinic-email': 'bookings@example.com', 'data-endpoint': `${url}/submissions` },
  });
  await completeSteps(visitor, { email: marker });
  await visitor.getByRole('button', { name: 'Submit', exact: true }).click();
  await heading(visitor, 'Your answers have been sent').waitFor();
  const reference = (await visitor.locator('body').innerText()).match(/[0-9A-F]{4}-[0-9A-F]{4}/)?.[0];
  await vctx.close();
  assert.ok(dbBytes().includes(marker), 'stored');

  // 2. The notification reaches the SMTP server, without the visitor's words.
  await until('the staff email', () => smtpOut.includes('New consultation request'));
  assert.ok(!smtpOut.includes(marker) && !smtpOut.includes('Jane Example'));

  // 3. A staff member sets up TOTP, signs out, and signs in with password and code.
  const ctx = await env.browser.newContext({ viewport: { width: 1000, height: 900 }, acceptDownloads: true, bypassCSP: true });
  const page = await ctx.newPage();
  await page.goto(`${url}/inbox`);
  await page.getByRole('heading', { name: 'Sign in to the staff inbox' }).waitFor();
  await checkPage(page, 'sign-in');
  await page.getByLabel('Email address').fill('nurse@example.com');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState();
  if (!(await page.getByRole('alert').count())) console.log(await page.locator('body').innerText());
  await page.getByRole('alert').waitFor({ timeout: 5000 });
  await checkPage(page, 'sign-in, refused');
  await signIn(page, 'nurse@example.com');
  await page.getByRole('heading', { name: 'Submissions' }).waitFor();
  await page.getByRole('link', { name: 'Your account' }).click();
  await checkPage(page, 'account, two-factor off');
  await page.getByLabel('Your password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
  const secret = await page.locator('#totp-secret').innerText();
  await checkPage(page, 'account, setting up');
  await page.getByLabel('The 6-digit code the app shows').fill(totp(secret));
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
  assert.equal(await page.locator('#recovery-codes li').count(), 10);
  await checkPage(page, 'recovery codes');
  await page.getByRole('link', { name: 'Your account', exact: true }).first().click();
  await page.getByText('Two-factor sign-in is on').waitFor();
  await checkPage(page, 'account, two-factor on');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByRole('heading', { name: 'Sign in to the staff inbox' }).waitFor();
  await signIn(page, 'nurse@example.com', totp(secret, Date.now() / 1000 + 30));

  // 4. The new request at the top, with its flags badge; opened, flags first.
  await page.getByRole('heading', { name: 'Submissions' }).waitFor();
  await checkPage(page, 'list');
  const first = page.locator('ol.rows > li').first();
  const firstText = await first.innerText();
  console.log(`The list as staff see it:\n${await page.locator('main').innerText()}`);
  if (reference) assert.ok(firstText.includes(reference), firstText);
  assert.match(firstText, /\d+ flags?/);
  assert.match(firstText, /Jane Example/);
  assert.match(firstText, /Status: New/);
  await page.getByRole('searchbox', { name: 'Name, email or reference' }).fill(marker);
  await page.getByRole('button', { name: 'Show' }).click();
  assert.equal(await page.locator('ol.rows > li').count(), 1);
  await checkPage(page, 'list, searched');
  await page.locator('ol.rows > li').first().getByRole('link').click();
  const h2s = await page.locator('main h2').allInnerTexts();
  assert.match(h2s[0], /^Needs practitioner review \(\d+\)$/, h2s.join(' | '));
  await checkPage(page, 'submission');
  console.log(`One submission as staff see it:\n${await page.locator('main').innerText()}`);
  assert.equal(await page.getByRole('link', { name: 'Delete this submission' }).count(), 0, 'staff cannot delete');
  // Printed for a paper file: the request itself, flags first, without the page's controls.
  await page.emulateMedia({ media: 'print' });
  assert.ok(await page.getByRole('heading', { name: /^Needs practitioner review/ }).isVisible());
  assert.ok(!(await page.getByRole('button', { name: 'Change status' }).isVisible()), 'no controls on paper');
  assert.ok(!(await page.getByRole('link', { name: 'Back to the submissions' }).isVisible()));
  await page.emulateMedia({ media: 'screen' });
  assert.ok(await page.getByRole('button', { name: 'Change status' }).isVisible());

  // 5. Marked reviewed; FHIR and CSV exported.
  await page.getByLabel('Status', { exact: true }).selectOption('reviewed');
  await page.getByRole('button', { name: 'Change status' }).click();
  await page.getByRole('status').filter({ hasText: 'Status changed.' }).waitFor();
  await checkPage(page, 'submission, status changed');
  const [fhirDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'FHIR R4 QuestionnaireResponse' }).click()]);
  const fhir = JSON.parse(await fsp.readFile(await fhirDownload.path(), 'utf8'));
  console.log(`One FHIR export:\n${JSON.stringify(fhir, null, 2)}`);
  assert.equal(fhir.resourceType, 'QuestionnaireResponse');
  assert.equal(fhir.status, 'completed');
  assert.match(fhir.questionnaire, /\|/);
  assert.ok(fhir.item.some((i) => i.answer?.some((a) => a.valueString === marker)));
  await page.getByRole('link', { name: 'Back to the submissions' }).click();
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download this list as CSV' }).click()]);
  const csv = await fsp.readFile(await csvDownload.path(), 'utf8');
  assert.ok(csv.includes(marker) && csv.includes('"Reviewed"'), csv);
  await ctx.close();

  // 6. An admin (by keyboard only) deletes it after confirming.
  const actx = await env.browser.newContext({ viewport: { width: 1000, height: 900 }, acceptDownloads: true, bypassCSP: true });
  const admin = await actx.newPage();
  await admin.goto(`${url}/inbox/sign-in`);
  await tabTo(admin, admin.getByLabel('Email address'));
  await admin.keyboard.type('admin@example.com');
  await admin.keyboard.press('Tab');
  await admin.keyboard.type(PASSWORD);
  await admin.keyboard.press('Enter');
  await admin.getByRole('heading', { name: 'Submissions' }).waitFor();
  await tabTo(admin, admin.locator('ol.rows > li').first().getByRole('link'));
  await admin.keyboard.press('Enter');
  await admin.getByRole('heading', { name: /^Submission / }).waitFor();
  await checkPage(admin, 'submission, as admin');
  await admin.getByRole('link', { name: 'Delete this submission' }).click();
  await checkPage(admin, 'delete, confirm');
  await admin.getByRole('button', { name: /^Delete submission/ }).click();
  await admin.getByRole('heading', { name: 'Submission deleted' }).waitFor();
  await checkPage(admin, 'deleted');
  await admin.getByRole('link', { name: 'Staff and settings' }).click();
  await checkPage(admin, 'staff and settings');
  // 7. A new account from the inbox: its owner replaces the issued password before anything.
  await admin.getByLabel('Email address').fill('new@example.com');
  await admin.getByRole('button', { name: 'Add account' }).click();
  const issued = await admin.locator('#new-password').innerText();
  await checkPage(admin, 'staff, account added');
  const nctx = await env.browser.newContext({ viewport: { width: 1000, height: 900 }, bypassCSP: true });
  const member = await nctx.newPage();
  await member.goto(`${url}/inbox/sign-in`);
  await member.getByLabel('Email address').fill('new@example.com');
  await member.getByLabel('Password').fill(issued);
  await member.getByRole('button', { name: 'Sign in' }).click();
  await member.getByRole('heading', { name: 'Choose your password' }).waitFor();
  await checkPage(member, 'choose your password');
  await member.getByLabel('The password you were given').fill(issued);
  await member.getByLabel('New password', { exact: true }).fill('a password of my own');
  await member.getByLabel('New password again').fill('not the same one');
  await member.getByRole('button', { name: 'Save my password' }).click();
  await member.getByRole('alert').waitFor();
  await checkPage(member, 'choose your password, refused');
  await member.getByLabel('The password you were given').fill(issued);
  await member.getByLabel('New password', { exact: true }).fill('a password of my own');
  await member.getByLabel('New password again').fill('a password of my own');
  await member.getByRole('button', { name: 'Save my password' }).click();
  await member.getByRole('heading', { name: 'Password changed' }).waitFor();
  await member.getByRole('link', { name: 'Back to the submissions' }).click();
  await member.getByRole('heading', { name: 'Submissions' }).waitFor();
  await nctx.close();
  await admin.getByRole('link', { name: 'Audit log' }).click();
  await checkPage(admin, 'audit log');
  const audit = await admin.locator('main').innerText();
  assert.match(audit, /deleted/);
  assert.ok(!audit.includes('Jane Example') && !audit.includes(marker), 'no answers in the audit log');
  await admin.getByRole('link', { name: 'Submissions' }).click();
  await checkPage(admin, 'list, empty');
  assert.match(await admin.locator('main').innerText(), /No submissions yet/);
  const csvAfter = await (await actx.request.get(`${url}/inbox/export.csv`)).text();
  assert.ok(!csvAfter.includes(marker));
  await actx.close();
  const { stdout } = await promisify(execFile)(bin, ['export', '--database', database, '--format', 'json']);
  assert.ok(!stdout.includes(marker));
  const fhirAfter = await promisify(execFile)(bin, ['export', '--database', database, '--format', 'fhir']);
  assert.equal(fhirAfter.stdout.trim(), '');
  assert.ok(!dbBytes().includes(marker), 'no byte of it left in the database file or its WAL');
});
