// The test command's release build (release_build in scripts/tools.sh) fails on a minify
// warning it cannot explain. Checked with a stand-in `trunk` on PATH that prints what the real
// one prints (a real build takes a minute; the real output is checked by the test command
// itself, which runs release_build).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const KNOWN = 'WARN Failed to minify JS: RequiredTokenNotFound(Identifier) [token=Some(KeywordDefault)]';
const EXPLAINED = 'build-embed: trunk\'s "Failed to minify JS: RequiredTokenNotFound(Identifier) [token=Some(KeywordDefault)]" above is about consultation-widget-0123456789abcdef.js, and expected: its minifier cannot parse wasm-bindgen\'s `export { … as default }`. terser minifies that file here instead.';

/** release_build with a `trunk` that prints `lines` and exits with `code`. */
function releaseBuild(lines, code = 0) {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-trunk-'));
  fs.writeFileSync(path.join(bin, 'trunk'), `#!/bin/sh\ncat <<'EOF'\n${lines.join('\n')}\nEOF\nexit ${code}\n`, { mode: 0o755 });
  const result = spawnSync('bash', ['-c', 'set -euo pipefail; source scripts/tools.sh; release_build'], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
  });
  fs.rmSync(bin, { recursive: true, force: true });
  return { status: result.status, output: result.stdout + result.stderr };
}

test('the expected glue warning, explained by build-embed.mjs: the build passes', () => {
  const { status, output } = releaseBuild(['INFO starting build', KNOWN, EXPLAINED, 'INFO success']);
  assert.equal(status, 0, output);
  assert.ok(output.includes(EXPLAINED), 'the build output is shown');
});

test('the same warning with no explanation from build-embed.mjs fails the build', () => {
  const { status, output } = releaseBuild([KNOWN, 'INFO success']);
  assert.notEqual(status, 0);
  assert.match(output, /error: trunk could not minify part of the release build: .*did not find the glue it explains/);
});

test('any other minify failure fails the build, naming it', () => {
  for (const line of [
    'WARN Failed to minify JS: RequiredTokenNotFound(Identifier) [token=Some(KeywordLet)]',
    'WARN CSS parsing failed, skipping: Unexpected token',
  ]) {
    const { status, output } = releaseBuild([KNOWN, EXPLAINED, line]);
    assert.notEqual(status, 0, line);
    assert.ok(output.includes(`error: trunk could not minify part of the release build: ${line}`), output);
  }
});

test('a failing trunk fails it too', () => {
  const { status, output } = releaseBuild(['ERROR error from build pipeline'], 1);
  assert.notEqual(status, 0);
  assert.match(output, /error: trunk build --release --offline( [^\n]*)? failed/);
});
