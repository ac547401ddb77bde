// A trunk post-build hook (Trunk.toml): minifies wasm-bindgen's JS glue, which trunk's own
// minifier cannot parse, and updates its Subresource Integrity hash in index.html so the
// browser still accepts it. Saves about 1.8 KB gzip for every visitor.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { minify } from 'terser';

const stage = process.env.TRUNK_STAGING_DIR;
if (!stage) {
  console.error('minify-glue: run by trunk, which sets TRUNK_STAGING_DIR');
  process.exit(1);
}
if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);

const sri = (bytes) => `sha384-${crypto.createHash('sha384').update(bytes).digest('base64')}`;
const indexPath = path.join(stage, 'index.html');
let index = fs.readFileSync(indexPath, 'utf8');
for (const file of fs.readdirSync(stage).filter((f) => f.endsWith('.js'))) {
  const full = path.join(stage, file);
  const before = fs.readFileSync(full);
  const { code } = await minify(before.toString('utf8'), { module: true, compress: true, mangle: true });
  fs.writeFileSync(full, code);
  index = index.split(sri(before)).join(sri(Buffer.from(code)));
}
fs.writeFileSync(indexPath, index);
