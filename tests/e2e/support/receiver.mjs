// The submission receiver as a real process on 127.0.0.1, which tests can tell to fail, stop
// and start again on the same port, and whose stored files they read.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '../../..');
const SCRIPT = path.join(ROOT, 'receiver/server.mjs');

const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});

/** Compiled once: checks a submission against schema/submission.schema.json. */
export async function schemaValidator() {
  const schema = JSON.parse(await fs.readFile(path.join(ROOT, 'schema/submission.schema.json'), 'utf8'));
  const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
  return (doc) => (validate(doc) ? [] : validate.errors.map((e) => `${e.instancePath} ${e.message}`));
}

export async function startReceiver() {
  const port = await freePort();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'submissions-'));
  const url = `http://127.0.0.1:${port}`;
  let child = null;
  const receiver = {
    endpoint: `${url}/submissions`,
    async start() {
      child = spawn(process.execPath, [SCRIPT, '--port', String(port), '--dir', dir, '--quiet'], {
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      // Wait for it to listen: poll its health address, bounded.
      for (let i = 0; i < 100; i += 1) {
        try {
          if ((await fetch(`${url}/_health`)).ok) return;
        } catch { /* not yet */ }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the receiver did not start');
    },
    async stop() {
      if (!child) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      child = null;
    },
    async control(body) {
      const res = await fetch(`${url}/_control`, { method: 'POST', body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`control failed: ${res.status}`);
    },
    /** How many submission requests arrived, per submission id. */
    async requests() {
      return (await fetch(`${url}/_requests`)).json();
    },
    /** Every stored submission, parsed. */
    async stored() {
      const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.json'));
      return Promise.all(files.map(async (f) => JSON.parse(await fs.readFile(path.join(dir, f), 'utf8'))));
    },
    async close() {
      await receiver.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
  await receiver.start();
  return receiver;
}
