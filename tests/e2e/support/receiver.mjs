// The clinic's receiver as the widget meets it: the real `consultation-receiver` process
// (SQLite in a fresh folder) behind a small server that fails when told to
// (failing-proxy.mjs), both real processes on 127.0.0.1. Tests tell it to fail, stop and start
// both again on the same ports, and read what was stored with `consultation-receiver export`.
import { spawn, execFile } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '../../..');
const PROXY = path.join(here, 'failing-proxy.mjs');

/** The receiver binary: RECEIVER_BIN, else the debug build (scripts/test.sh builds it), else
 *  the release build. */
export function receiverBinary() {
  const target = process.env.CARGO_TARGET_DIR ?? path.join(ROOT, 'target');
  const candidates = [process.env.RECEIVER_BIN, path.join(target, 'debug/consultation-receiver'),
    path.join(target, 'release/consultation-receiver')].filter(Boolean);
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`no receiver binary (${candidates.join(', ')}): cargo build -p consultation-receiver`);
  return found;
}

const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});

/** Compiled once: checks a submission against schema/submission.schema.json. */
export async function schemaValidator() {
  const schema = JSON.parse(await fsp.readFile(path.join(ROOT, 'schema/submission.schema.json'), 'utf8'));
  const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
  return (doc) => (validate(doc) ? [] : validate.errors.map((e) => `${e.instancePath} ${e.message}`));
}

async function until(what, check) {
  for (let i = 0; i < 200; i += 1) {
    try {
      if (await check()) return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not start`);
}

const exited = (child) => new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));

/** `origins`: the pages' origins the receiver allows (--allow-origin); `args`: more flags.
 *  The proof of work is on, as by default (the widget solves it); the rate limit is off unless
 *  `args` set one, since these tests send many submissions from one address. */
export async function startReceiver({ origins = [], args = [] } = {}) {
  const bin = receiverBinary();
  const [port, upstreamPort] = [await freePort(), await freePort()];
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'receiver-'));
  const database = `sqlite://${path.join(dir, 'data/receiver.db')}`;
  const url = `http://127.0.0.1:${port}`;
  const upstream = `http://127.0.0.1:${upstreamPort}`;
  let children = [];
  const receiver = {
    endpoint: `${url}/submissions`,
    async start() {
      const real = spawn(bin, ['serve', '--listen', `127.0.0.1:${upstreamPort}`, '--database', database,
        ...origins.flatMap((o) => ['--allow-origin', o]), ...args], {
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, RUST_LOG: 'error', CONSULTATION_LOG_FORMAT: 'text', CONSULTATION_INTAKE_RATE: 'off' },
      });
      const proxy = spawn(process.execPath, [PROXY, '--port', String(port), '--upstream', upstream], {
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      children = [real, proxy];
      await until('the receiver', async () => (await fetch(`${upstream}/healthz`)).ok);
      await until('the failing proxy', async () => (await fetch(`${url}/_health`)).ok);
    },
    /** Both gone at once, as a crashed server: the widget can no longer connect. */
    async stop() {
      await Promise.all(children.map((c) => { c.kill('SIGKILL'); return exited(c); }));
      children = [];
    },
    async control(body) {
      const res = await fetch(`${url}/_control`, { method: 'POST', body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`control failed: ${res.status}`);
    },
    /** How many submission requests arrived, per submission id. */
    async requests() {
      return (await fetch(`${url}/_requests`)).json();
    },
    /** The last submission request's body as it arrived, byte for byte. */
    async lastBody() {
      return Buffer.from(await (await fetch(`${url}/_last_body`)).arrayBuffer());
    },
    /** Every stored submission, parsed: `consultation-receiver export`, exactly as sent. */
    async stored() {
      const { stdout } = await promisify(execFile)(bin, ['export', '--database', database, '--format', 'json']);
      return stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line));
    },
    /** The receiver's own staff summaries, rebuilt from the answers it re-checked:
     *  `consultation-receiver export --format text`. */
    /** The CSV list as staff export it: `consultation-receiver export --format csv`. */
    async storedCsv() {
      const { stdout } = await promisify(execFile)(bin, ['export', '--database', database, '--format', 'csv']);
      return stdout;
    },
    /** The FHIR QuestionnaireResponses, one a line, photos included as attachments (issue 24):
     *  `consultation-receiver export --format fhir`. */
    async storedFhir() {
      const { stdout } = await promisify(execFile)(bin, ['export', '--database', database, '--format', 'fhir'], { maxBuffer: 64 * 1024 * 1024 });
      return stdout;
    },
    async storedText() {
      const { stdout } = await promisify(execFile)(bin, ['export', '--database', database, '--format', 'text']);
      return stdout;
    },
    async close() {
      await receiver.stop();
      await fsp.rm(dir, { recursive: true, force: true });
    },
  };
  await receiver.start();
  return receiver;
}
