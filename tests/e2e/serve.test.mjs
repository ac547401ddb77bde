// The README's serve command (scripts/serve.sh), run as a newcomer runs it, on ports other than
// the defaults, against the dist/ the test command has just built (--no-build: no second trunk
// build). It must announce the demo page only once every server answers, point the demo page at
// the receiver's own port, let ALLOW_ORIGIN's page send there, and say plainly when a port is
// taken. Real processes and servers on 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A port nothing listens on now. */
const freePort = () => new Promise((resolve, reject) => {
  const server = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});

/** Whether something accepts connections on `port`. */
const listening = (port) => new Promise((resolve) => {
  const socket = net.connect(port, '127.0.0.1');
  socket.once('connect', () => { socket.destroy(); resolve(true); });
  socket.once('error', () => resolve(false));
});

/** Runs the serve command with `env`; `output()` is what it printed so far, `until(re)` waits
 *  for a line matching `re` (or rejects with the output if the script ends first), `stop()`
 *  ends it as Ctrl+C would and resolves with its exit code. */
function serve(env) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'serve-test-'));
  // Its own process group, so that stopping it reaches the servers it started even if the
  // script itself is gone.
  const child = spawn('bash', ['scripts/serve.sh', '--no-build'], {
    cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: 'true', DATA_DIR: dataDir, SERVE_WAIT: '60', ...env },
  });
  let text = '';
  const watchers = new Set();
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const feed = (chunk) => {
    text += chunk;
    for (const w of watchers) w();
  };
  child.stdout.on('data', feed);
  child.stderr.on('data', feed);
  const until = (re) => new Promise((resolve, reject) => {
    const check = () => {
      const match = text.match(re);
      if (match) { watchers.delete(check); resolve(match); }
    };
    watchers.add(check);
    check();
    exited.then((code) => {
      if (watchers.delete(check)) reject(new Error(`serve.sh ended (${code}) before ${re}:\n${text}`));
    });
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    // A script that ignores Ctrl+C is a failure, but must not leave its servers behind.
    let timer;
    const late = new Promise((resolve) => { timer = setTimeout(resolve, 15_000, 'still running 15 s after Ctrl+C'); });
    const code = await Promise.race([exited, late]);
    clearTimeout(timer);
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* the group is gone: all stopped */ }
    fs.rmSync(dataDir, { recursive: true, force: true });
    return code;
  };
  return { child, output: () => text, until, exited, stop };
}

test('serve.sh on other ports prints each address once it answers, and the demo page sends to its receiver', { timeout: 120_000 }, async () => {
  const [port, receiverPort, smtpPort] = [await freePort(), await freePort(), await freePort()];
  const run = serve({
    PORT: String(port), RECEIVER_PORT: String(receiverPort), SMTP_PORT: String(smtpPort),
    ALLOW_ORIGIN: 'https://clinic.example',
  });
  try {
    // The moment the demo page is announced, everything it names answers.
    await run.until(/Serving the demo clinic page at (\S+)/);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.ok(html.includes(`data-endpoint="http://127.0.0.1:${receiverPort}/submissions"`), 'the demo page sends to the receiver on RECEIVER_PORT');
    assert.ok(html.includes(`data-endpoints="http://127.0.0.1:${receiverPort}"`), 'and its embed script allows that origin');
    assert.equal(await listening(smtpPort), true, 'the SMTP server on SMTP_PORT');
    // The extra origin may send to the receiver (the CORS preflight a browser makes).
    const preflight = await fetch(`http://127.0.0.1:${receiverPort}/submissions`, {
      method: 'OPTIONS',
      headers: { origin: 'https://clinic.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://clinic.example');
    const inbox = await run.until(/Staff inbox: +(\S+) +\(sign in as (\S+), password (\S+)\)/);
    assert.equal(inbox[1], `http://127.0.0.1:${receiverPort}/inbox`);
    assert.equal((await fetch(inbox[1], { redirect: 'manual' })).status < 500, true, 'the inbox answers');
    await run.until(new RegExp(`SMTP server: +127\\.0\\.0\\.1:${smtpPort}`));
    // Nothing on the default ports was announced.
    assert.doesNotMatch(run.output(), /:8080\/|:8787\/|:8025\b/);
  } finally {
    assert.equal(await run.stop(), 130, `stopped by Ctrl+C:\n${run.output()}`);
  }
  for (const p of [port, receiverPort, smtpPort]) assert.equal(await listening(p), false, `port ${p} closed after Ctrl+C`);
});

test('serve.sh with the receiver\'s port already taken says so and stops, announcing nothing', { timeout: 120_000 }, async () => {
  const taken = net.createServer((socket) => socket.destroy());
  await new Promise((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const receiverPort = taken.address().port;
  const [port, smtpPort] = [await freePort(), await freePort()];
  const run = serve({ PORT: String(port), RECEIVER_PORT: String(receiverPort), SMTP_PORT: String(smtpPort) });
  try {
    const code = await run.exited;
    assert.notEqual(code, 0);
    assert.match(run.output(), new RegExp(`The receiver \\(http://127\\.0\\.0\\.1:${receiverPort}/\\) stopped before it answered \\(is its port already in use\\?`));
    assert.doesNotMatch(run.output(), /Serving the demo clinic page/);
    assert.equal(await listening(smtpPort), false, 'the SMTP server it had started is stopped');
  } finally {
    await run.stop();
    await new Promise((resolve) => taken.close(resolve));
  }
});
