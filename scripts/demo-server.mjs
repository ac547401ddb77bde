// The serve command's web server (scripts/serve.sh): the release build in dist/ on 127.0.0.1,
// with the demo pages pointed at the local receiver. The build itself ships with no endpoint
// (a clinic that copies it without setting one gets the email, copy and download fallback),
// so the endpoint, its origin in the embed script's data-endpoints, and the iframe demo's
// host origin are added here, as a clinic adds them to its own pages.
//
//   node scripts/demo-server.mjs --port 8080 --endpoint http://127.0.0.1:8787/submissions
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDirectory } from '../tests/e2e/support/static-server.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const port = Number(option('port', '8080'));
const endpoint = option('endpoint', 'http://127.0.0.1:8787/submissions');
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');

const server = await serveDirectory(dist, { port });
const loader = /<script\b([^>]*?)\bsrc="?consultation-form\.js"?/;
const configured = (name, extra = '') => {
  const html = fs.readFileSync(path.join(dist, name), 'utf8');
  if (!loader.test(html)) throw new Error(`dist/${name} does not load consultation-form.js`);
  return html
    // Minified, the element's attributes may come in any order.
    .replace(/<div\b(?=[^>]*\bdata-consultation-form\b)/, `<div data-endpoint="${endpoint}"${extra}`)
    .replace(loader, (_, before) => `<script data-endpoints="${new URL(endpoint).origin}" ${before.trim()} src="consultation-form.js"`);
};
server.add('/', configured('index.html'));
server.add('/index.html', configured('index.html'));
server.add('/frame.html', configured('frame.html', ` data-host-origins="${server.origin}"`));
console.log(`demo pages at ${server.url} (iframe embed: ${server.url}iframe-demo.html), sending to ${endpoint}`);
