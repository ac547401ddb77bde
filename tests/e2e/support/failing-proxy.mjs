#!/usr/bin/env node
// A small server that fails on purpose, for the end-to-end tests only: it stands between the
// widget and the real receiver (consultation-receiver) and, when told to, answers in each way
// a clinic's server can fail, instead of passing the request on. Otherwise it forwards every
// request (preflights included) unchanged, so CORS, the re-check, idempotency and storage are
// the receiver's own.
//
//   node tests/e2e/support/failing-proxy.mjs --port 8790 --upstream http://127.0.0.1:8787
//
// POST /_control with one of (each for `times` submissions, 1 by default):
//   {"respond": 500}        answer with that status (409 as the receiver words it), pass nothing on
//   {"hang": true}          never answer, pass nothing on
//   {"lose_answer": 500}    pass it on, then answer that status instead of the receiver's
//   {"delay_ms": 400}       wait, then pass it on
//   {"field_errors": [{"field": "email", "message": "..."}]}   answer 422 with them
//   {"reset": true}         back to passing everything on
// GET /_requests: how many submission requests arrived per Idempotency-Key, passed on or not.
// GET /_last_body: the last submission request's body, byte for byte.
// GET /_health: 200 once listening.
import http from 'node:http';

const args = process.argv.slice(2);
const arg = (name) => {
  const i = args.indexOf(name);
  if (i < 0 || i + 1 >= args.length) throw new Error(`usage: failing-proxy.mjs --port N --upstream URL (missing ${name})`);
  return args[i + 1];
};
const port = Number(arg('--port'));
const upstream = new URL(arg('--upstream'));

let behaviour = null;
// The bytes of the last submission, as they came: the browser's own multipart body, which the
// page's tools cannot read back (its parts are Blobs).
let lastBody = Buffer.alloc(0);
const requests = {};

// The receiver's own 409 (receiver/src/error.rs), so the widget meets exactly what it would.
const CONFLICT = { errors: [{ code: 'IN_PROGRESS', message: 'This submission is still being received: try again in a moment' }] };

function reply(req, res, status, body, extra = {}) {
  // Stands in for the receiver, so it answers the page's origin as the receiver would.
  const cors = req.headers.origin ? { 'access-control-allow-origin': req.headers.origin, vary: 'origin' } : {};
  res.writeHead(status, { 'content-type': 'application/json', ...cors, ...extra });
  res.end(JSON.stringify(body));
}

/** Passes the request on; with `instead`, waits for the receiver's whole answer, then answers
 *  that status in its place (the receiver stored it, and the widget never heard so). */
function forward(req, res, body, instead) {
  const out = http.request({
    host: upstream.hostname, port: upstream.port, path: req.url, method: req.method,
    headers: { ...req.headers, host: upstream.host },
  }, (answer) => {
    if (instead) {
      answer.resume();
      answer.on('end', () => reply(req, res, instead, { errors: [{ message: 'Told to fail' }] }));
      return;
    }
    res.writeHead(answer.statusCode, answer.headers);
    answer.pipe(res);
  });
  out.on('error', () => reply(req, res, 502, { errors: [{ message: 'The receiver is not running' }] }));
  out.end(body);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://proxy');
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(chunks);
    if (url.pathname === '/_health') return reply(req, res, 200, { ok: true });
    if (url.pathname === '/_requests') return reply(req, res, 200, requests);
    if (url.pathname === '/_control') {
      const control = JSON.parse(body.toString('utf8') || '{}');
      behaviour = control.reset ? null : { ...control, times: control.times ?? 1 };
      return reply(req, res, 200, { ok: true });
    }
    if (url.pathname === '/_last_body') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return res.end(lastBody);
    }
    if (req.method !== 'POST') return forward(req, res, body);
    lastBody = body;
    const key = req.headers['idempotency-key'];
    if (typeof key === 'string') requests[key] = (requests[key] ?? 0) + 1;
    const now = behaviour;
    if (now && now.times > 0) {
      now.times -= 1;
      if (now.times === 0) behaviour = null;
      if (now.respond === 409) return reply(req, res, 409, CONFLICT, { 'retry-after': '1' });
      if (now.lose_answer) return forward(req, res, body, now.lose_answer);
      if (now.respond) return reply(req, res, now.respond, { errors: [{ message: 'Told to fail' }] });
      if (now.hang) return undefined; // the widget gives up; nothing is passed on
      if (now.field_errors) return reply(req, res, 422, { errors: now.field_errors });
      if (now.delay_ms) await new Promise((r) => setTimeout(r, now.delay_ms));
    }
    return forward(req, res, body);
  });
});
server.listen(port, '127.0.0.1');
const stop = () => { server.closeAllConnections(); server.close(() => process.exit(0)); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
