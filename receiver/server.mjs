#!/usr/bin/env node
// A small local receiver for consultation submissions, as a clinic's endpoint would be: it
// checks each submission against schema/submission.schema.json, stores it durably as one JSON
// file, honours the Idempotency-Key (a repeat stores nothing and answers as before), and prints
// the plain-text summary for staff. The README's serve command runs it beside the demo page;
// the end-to-end tests run it and tell it to fail.
//
//   node receiver/server.mjs [--port 8787] [--host 127.0.0.1] [--dir submissions] [--quiet]
//
// Submissions: POST to any path but /_control. Test controls: POST /_control with one of
//   {"respond": 500, "times": 1}        answer with that status, store nothing
//   {"hang": true, "times": 1}          never answer, store nothing
//   {"delay_ms": 400, "times": 1}       wait, then handle as usual
//   {"field_errors": [{"field": "email", "message": "..."}], "times": 1}   answer 422
//   {"reset": true}                     back to normal
// GET /_health answers 200 once listening; GET /_requests, how many submission requests
// arrived per submission id (stored or not), so tests can tell one send from a repeat.
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SCHEMA = path.join(here, '..', 'schema', 'submission.schema.json');
const MAX_BODY = 256 * 1024; // the widget's own limit (core::delivery::MAX_PAYLOAD_BYTES); refuses floods

function options(argv) {
  const opts = { port: 8787, host: '127.0.0.1', dir: 'submissions', quiet: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--quiet') opts.quiet = true;
    else if (['--port', '--host', '--dir'].includes(arg) && i + 1 < argv.length) opts[arg.slice(2)] = argv[++i];
    else {
      console.error(`unknown argument: ${arg}\nusage: node receiver/server.mjs [--port N] [--host H] [--dir D] [--quiet]`);
      process.exit(2);
    }
  }
  opts.port = Number(opts.port);
  return opts;
}

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export async function startReceiver({ port, host, dir, quiet }) {
  await fs.mkdir(dir, { recursive: true });
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const validate = ajv.compile(JSON.parse(await fs.readFile(SCHEMA, 'utf8')));
  let behaviour = null; // the control in force, with how many more submissions it applies to
  const inflight = new Map(); // submission id -> promise, so two copies at once store once
  const requests = {}; // submission id -> requests received

  const cors = (req) => ({
    // Any page may post here: a real clinic endpoint would name its own site.
    'access-control-allow-origin': req.headers.origin ?? '*',
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': 'content-type, accept, idempotency-key',
    'access-control-max-age': '600',
    vary: 'origin',
  });
  const reply = (req, res, status, body) => {
    res.writeHead(status, { 'content-type': 'application/json', ...cors(req) });
    res.end(JSON.stringify(body));
  };

  async function store(submission) {
    const file = path.join(dir, `${submission.submission_id}.json`);
    try {
      await fs.access(file);
      return false; // stored before: idempotent repeat
    } catch { /* new */ }
    // Durable: write a temporary file, flush it, then rename it into place.
    const tmp = `${file}.${process.pid}.tmp`;
    const handle = await fs.open(tmp, 'w');
    await handle.writeFile(`${JSON.stringify(submission, null, 2)}\n`);
    await handle.sync();
    await handle.close();
    await fs.rename(tmp, file);
    return true;
  }

  async function submission(req, res, raw) {
    let body;
    try {
      body = JSON.parse(raw);
    } catch {
      return reply(req, res, 400, { errors: [{ message: 'The body is not JSON' }] });
    }
    if (!validate(body)) {
      const errors = validate.errors.map((e) => ({ message: `${e.instancePath || '/'} ${e.message}` }));
      return reply(req, res, 400, { errors });
    }
    const key = req.headers['idempotency-key'];
    if (key !== body.submission_id || !ID.test(key)) {
      return reply(req, res, 400, { errors: [{ message: 'Idempotency-Key must equal submission_id' }] });
    }
    const id = body.submission_id;
    const work = inflight.get(id) ?? store(body).finally(() => inflight.delete(id));
    inflight.set(id, work);
    const isNew = await work;
    if (isNew && !quiet) {
      process.stdout.write(`\n──── New consultation request ${body.reference} ────\n${body.message}\n`);
    }
    return reply(req, res, 200, { ok: true, submission_id: id, reference: body.reference });
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://receiver');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors(req));
      return res.end();
    }
    if (req.method === 'GET' && url.pathname === '/_health') return reply(req, res, 200, { ok: true });
    if (req.method === 'GET' && url.pathname === '/_requests') return reply(req, res, 200, requests);
    if (req.method !== 'POST') return reply(req, res, 405, { errors: [{ message: 'POST only' }] });
    let size = 0;
    const chunks = [];
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reply(req, res, 413, { errors: [{ message: 'Too large' }] });
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', async () => {
      if (res.writableEnded) return;
      const raw = Buffer.concat(chunks).toString('utf8');
      if (url.pathname === '/_control') {
        const control = JSON.parse(raw || '{}');
        behaviour = control.reset ? null : { ...control, times: control.times ?? 1 };
        return reply(req, res, 200, { ok: true });
      }
      const id = req.headers['idempotency-key'];
      if (typeof id === 'string') requests[id] = (requests[id] ?? 0) + 1;
      const now = behaviour;
      if (now && now.times > 0) {
        now.times -= 1;
        if (now.times === 0) behaviour = null;
        if (now.respond) return reply(req, res, now.respond, { errors: [{ message: 'Told to fail' }] });
        if (now.hang) return; // the client gives up; nothing is stored
        if (now.field_errors) return reply(req, res, 422, { errors: now.field_errors });
        if (now.delay_ms) await new Promise((r) => setTimeout(r, now.delay_ms));
      }
      try {
        await submission(req, res, raw);
      } catch (e) {
        reply(req, res, 500, { errors: [{ message: 'Could not store the submission' }] });
        console.error(`receiver: ${e.message}`);
      }
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  if (!quiet) console.log(`Receiving consultation submissions at http://${host}:${server.address().port}/ (stored in ${dir})`);
  return server;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const server = await startReceiver(options(process.argv.slice(2)));
  const stop = () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
