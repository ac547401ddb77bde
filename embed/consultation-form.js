// The embed script: the one <script> a clinic adds to its page. It finds the widget's other
// files beside itself (so they may be hosted on another origin), gives each
// [data-consultation-form] element a shadow root with the widget's stylesheet and a loading
// message, then starts the wasm, which mounts a widget in each. No inline code or styles
// anywhere, so it runs under a strict Content Security Policy.
// The build (scripts/build-embed.mjs) fills in FILES with the hashed names of this build and
// their SHA-384 digests: every file is checked before it runs (Subresource Integrity), so a
// compromised or shared host cannot swap in code that reads the answers.
(() => {
  'use strict';
  const FILES = __FILES__;
  // Added twice by mistake: the first copy does the work.
  const once = Symbol.for('consultation-form');
  if (window[once]) return;
  window[once] = true;

  const script = document.currentScript || document.querySelector('script[src*="consultation-form"]');
  const base = new URL('.', script ? script.src : location.href);
  const url = (name) => new URL(name, base).href;
  // The endpoint origins the clinic allows, read from this script's own element: content
  // posted into the page (a CMS comment's data- attributes) cannot set them.
  const endpoints = script ? script.getAttribute('data-endpoints') : null;
  const integrity = FILES.integrity;

  // Both downloads start now, alongside the page's own, each checked against its digest. The
  // module through a modulepreload with integrity: import() then uses that checked fetch.
  const wasm = fetch(url(FILES.wasm), { integrity: integrity.wasm });
  const preload = document.createElement('link');
  preload.rel = 'modulepreload';
  preload.href = url(FILES.glue);
  preload.integrity = integrity.glue;
  preload.crossOrigin = 'anonymous';
  const checked = new Promise((done, failed) => {
    preload.onload = done;
    preload.onerror = () => failed(new Error('the widget\'s script failed its integrity check'));
  });
  document.head.append(preload);
  const glue = checked.then(() => import(url(FILES.glue)));

  const loadingText = 'Loading the consultation form…';
  const failedText = 'The consultation form could not load. Please refresh the page, or contact the clinic directly.';

  // Each host gets its shadow root now, so the stylesheet loads while the wasm does.
  const prepare = () => Promise.all([...document.querySelectorAll('[data-consultation-form]')]
    .filter((host) => !host.shadowRoot)
    .map((host) => {
      const shadow = host.attachShadow({ mode: 'open' });
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.integrity = integrity.css;
      link.crossOrigin = 'anonymous';
      link.href = url(FILES.css);
      const root = document.createElement('div');
      root.className = 'cw-root';
      const loading = document.createElement('p');
      loading.className = 'cw-loading';
      loading.setAttribute('role', 'status');
      loading.textContent = loadingText;
      // The first step's height (measured: 63.5em from 640px wide, up to 77em at 320px), set
      // through the CSS object model, which a strict CSP allows: the page does not jump.
      loading.style.minHeight = 'calc(1016px + max(0px, (704px - 100vw) * 0.58))';
      root.append(loading);
      shadow.append(link, root);
      // The widget is drawn once its styles are there (or failed to come): never unstyled.
      return new Promise((done) => { link.onload = done; link.onerror = done; });
    }));

  const domReady = document.readyState === 'loading'
    ? new Promise((done) => document.addEventListener('DOMContentLoaded', done, { once: true }))
    : Promise.resolve();

  Promise.all([domReady.then(prepare), glue])
    .then(([, module]) => module.default({ module_or_path: wasm }).then(() => {
      // Widgets added to the page later (single-page sites) are mounted by calling it again.
      const mount = () => module.mount(endpoints);
      window.consultationForm = Object.freeze({ mount });
      mount();
    }))
    .catch((error) => {
      console.error('Consultation form: could not load.', error);
      for (const host of document.querySelectorAll('[data-consultation-form]')) {
        const loading = host.shadowRoot && host.shadowRoot.querySelector('.cw-loading');
        if (loading) {
          loading.setAttribute('role', 'alert');
          loading.textContent = failedText;
        }
      }
    });
})();
