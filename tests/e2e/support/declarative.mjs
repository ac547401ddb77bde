// The README's Content Security Policy and the build's declarative first step, as the tests that
// paste the script embed under that policy need them (embed.test.mjs, declarative.test.mjs).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const read = (...parts) => fs.readFileSync(path.join(ROOT, ...parts), 'utf8');

/** The policy README's "Content Security Policy" documents, as written there, with the
 *  widget's origin, the endpoint's origin and the first step's style hash of this build
 *  (dist/integrity.json) in place of its placeholders: the tests hold the README to it. */
export function readmePolicy({ widgetOrigin, endpointOrigin }) {
  const readme = read('README.md');
  const section = readme.slice(readme.indexOf('### Content Security Policy'));
  const match = section.match(/\n {4}(default-src[^\n]*(?:\n {4}[^\n]+)*)/);
  if (!match) throw new Error('README: no policy in "Content Security Policy"');
  const hash = JSON.parse(read('dist/integrity.json'))['embed-snippet.html <style>'];
  if (!match[1].includes("'sha256-…'")) throw new Error("README: the policy has no 'sha256-…' for the first step's styles");
  return match[1].replace(/\s*\n\s*/g, ' ')
    .replaceAll('https://forms.example.com', widgetOrigin)
    .replaceAll('https://clinic.example.com', endpointOrigin)
    .replace("'sha256-…'", `'${hash}'`);
}

/** The first step as dist/embed-snippet.html carries it inside the widget's element: its
 *  declarative shadow root. */
export function declarativeTemplate() {
  const match = read('dist/embed-snippet.html').match(/<template shadowrootmode="open">[\s\S]*?<\/template>/);
  if (!match) throw new Error('dist/embed-snippet.html has no declarative shadow root');
  return match[0];
}

/** `snippet` (the README's script embed) with the build's first step inside its widget's
 *  element, as dist/embed-snippet.html has it. */
export const withDeclarative = (snippet) => snippet.replace(/(<div data-consultation-form\b[^>]*>)/, (tag) => tag + declarativeTemplate());
