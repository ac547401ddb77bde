// The embed script: the one <script> a clinic adds to its page. It finds the widget's other
// files beside itself (so they may be hosted on another origin), gives each
// [data-consultation-form] element a shadow root with the widget's stylesheet (carried in this
// script) and the first step of the built-in questionnaire, drawn at build time by
// the widget's own code (src/view/prerender.rs): the visitor can start at once. The wasm then
// takes it over, keeping what the visitor did (src/view/takeover.rs). Embeds the first step
// cannot be drawn for (a custom questionnaire, a theme, a saved draft) show a loading message
// until the wasm mounts them. A page whose HTML carries that step already (a declarative shadow
// root: README, "The script embed") has it taken over as it is. No inline code or styles
// from this script, so it runs under a strict Content Security Policy.
// The build (scripts/build-embed.mjs) fills in FILES with the hashed names of this build and
// their SHA-384 digests: every file is checked before it runs (Subresource Integrity), so a
// compromised or shared host cannot swap in code that reads the answers. Every name this
// script shares with the widget (attributes, events, drafts' keys) is a key of the build's
// table of them, taken from the widget's own code (src/bin/prerender.rs): the build writes each
// name in place of its key as a literal (no table to download), so none is written here by
// hand, and the two cannot drift.
(() => {
  'use strict';
  // This script's own element, by Document.prototype's own getter, first: `document.currentScript`
  // itself can be shadowed by any element named "currentScript" (DOM clobbering), which
  // content others wrote can put on the page (an <img name="currentScript" data-endpoints=…>).
  // The getter gives the <script> element now running, or null; no other element can pass
  // for it, and there is no fallback that one could.
  const running = Object.getOwnPropertyDescriptor(Document.prototype, 'currentScript').get.call(document);
  const FILES = __FILES__;
  // Added twice by mistake: the first copy does the work.
  const once = Symbol.for('consultation-form');
  if (window[once]) return;
  window[once] = true;

  // A classic script loading this file (not this code pasted into another script).
  const script = running instanceof HTMLScriptElement && /\/consultation-form\.js$/.test(new URL(running.src || 'x:', location.href).pathname)
    ? running : null;
  if (!script) {
    console.error('Consultation form: its own <script> element is unknown, so no endpoint, clinic email or questionnaire is trusted.');
  }
  const base = new URL('.', script ? script.src : location.href);
  const url = (name) => new URL(name, base).href;
  // What the clinic allows widgets to name (README, "Settings"), read from this script's own
  // element only: content posted into the page (a CMS comment's data- attributes) can plant a
  // widget, but cannot set these. Without one, none is trusted (fails closed).
  const pinned = (name) => (script ? script.getAttribute(name) : null);
  const allowed = NAMES.pinned.map(pinned);
  // A relative questionnaire address is taken from the page's own address, which nothing on
  // the page can change: a planted <base> that moves the widget's own then fails the check.
  if (allowed[2]) {
    allowed[2] = allowed[2].split(/\s+/).filter(Boolean).map((q) => {
      try {
        return new URL(q, location.href).href;
      } catch {
        return q;
      }
    }).join(' ');
  }
  const integrity = FILES.integrity;

  // A file that did not arrive, named for the site owner in the console. The browser does not
  // tell a script why a load failed; by far the likeliest cause is a host on another origin
  // sending no CORS header, so that comes first.
  const missing = (name) => new Error(`${url(name)} did not load: its server must send Access-Control-Allow-Origin (CORS) when the page is on another origin; or the network failed, or the file does not match its integrity digest`);
  // The draft waiting for this widget, if any (then the wasm restores it, on whatever step it
  // was), by the key the widget keeps it under: the host's id, or the questionnaire and its
  // place among the page's widgets (core::draft::slot).
  const draftText = (host, place) => {
    try {
      const local = (host.getAttribute(NAMES.draftStorage) || '').trim() === NAMES.local;
      const storage = local ? window.localStorage : window.sessionStorage;
      return storage.getItem(NAMES.draftKey + (host.id || NAMES.placeSlot + place));
    } catch {
      return null; // storage blocked: the widget keeps no draft there either
    }
  };
  // The visitor's language (issue 25): the widget's data-lang if the widget has that language,
  // else the page's <html lang> if it has that, else English (''). A tag matches one of the
  // build's languages as written or by its first subtag (es-MX reads Spanish), case aside.
  const has = (tag) => {
    const wanted = (tag || '').trim().toLowerCase();
    const primary = wanted.split('-')[0];
    if (primary === 'en') return '';
    const tags = Object.keys(FILES.langs);
    const found = tags.find((t) => t.toLowerCase() === wanted) || tags.find((t) => t.toLowerCase() === primary);
    return found === undefined ? null : found;
  };
  // The languages a widget lets the visitor switch between on its first step (data-langs),
  // those the build has.
  const listed = (host) => (host.getAttribute(NAMES.langs) || '').split(/\s+/).filter(Boolean).map(has).filter((t) => t !== null);
  const chosen = new Map(); // host -> [its own language tag, the one it speaks], '' for English
  const spoken = (host) => {
    if (!chosen.has(host)) {
      const own = has(host.getAttribute(NAMES.lang)) ?? has(document.documentElement.lang) ?? '';
      // Unless the visitor chose another of those, which their draft keeps: only the first step
      // offers the choice, and a reload must not take it away.
      let kept = null;
      try {
        kept = has(JSON.parse(draftText(host, [...document.querySelectorAll(`[${NAMES.mount}]`)].indexOf(host)))[NAMES.draftLang]);
      } catch {
        // No draft, or not one of ours: the widget's own language.
      }
      chosen.set(host, [own, kept !== null && listed(host).includes(kept) ? kept : own]);
    }
    return chosen.get(host);
  };
  const language = (host) => spoken(host)[1];
  // Those it offers, its own first.
  const offered = (host) => {
    const tags = listed(host);
    return tags.length ? [...new Set([spoken(host)[0], ...tags])] : [];
  };
  // The languages other than English that `widgets` need: each one's own, and those offered.
  const needed = (widgets) => [...new Set([...widgets].flatMap((host) => [language(host), ...offered(host)]))].filter(Boolean);
  // Both downloads start now, alongside the page's own, each checked against its digest. The
  // module through a modulepreload with integrity: import() then uses that checked fetch.
  // Which wasm: without questionnaire files listed here no widget on the page, now or mounted
  // later, may load one (src/core/config.rs), and a widget in English needs no other language:
  // then the built-in-only one, without the questionnaire reader and the other languages,
  // smaller by the 6.2 KB gzip of the one and the 2 KB of the other (docs/size-notes.md,
  // issues 22 and 25). The full one as soon as a widget speaks another language: the page's
  // <html lang> and the widgets already parsed say so now, any later ones once the page is read
  // (`languages`).
  const builtinOnly = FILES.builtin && !(allowed[2] || '').trim();
  let wasmFile;
  let wasm;
  const fetchWasm = (full) => {
    const [file, digest] = full || !builtinOnly ? [FILES.wasm, integrity.wasm] : [FILES.builtin, integrity.builtin];
    if (file === wasmFile) return;
    wasmFile = file;
    wasm = fetch(url(file), { integrity: digest }).catch(() => { throw missing(file); });
    // Handled below once the glue is in: until then, no "uncaught in promise" in the console.
    wasm.catch(() => {});
  };
  fetchWasm(has(document.documentElement.lang) || needed(document.querySelectorAll(`[${NAMES.mount}]`)).length);
  const preload = document.createElement('link');
  preload.rel = 'modulepreload';
  preload.href = url(FILES.glue);
  preload.integrity = integrity.glue;
  preload.crossOrigin = 'anonymous';
  const checked = new Promise((done, failed) => {
    preload.onload = done;
    preload.onerror = () => failed(missing(FILES.glue));
  });
  document.head.append(preload);
  const glue = checked.then(() => import(url(FILES.glue)));

  // The build's first step: its HTML, and what tells where it may be shown (src/bin/prerender.rs).
  const FIRST = FILES.first;

  // The embed script's own words in a host's language, in the build's order (src/bin/prerender.rs,
  // `loader_words`): loading, getting ready, could not load (without and with an email), "the
  // clinic". English until that language's file is here (`languages`), which carries them.
  const loaded = {};
  const words = (host) => (loaded[language(host)] || FIRST).words;
  // How to reach the clinic instead, as the widget's own crash message says it: the clinic's
  // name, and its email only if this script lists it (a planted element names no stranger's).
  const failedText = (host) => {
    const [, , plain, withEmail, theClinic] = words(host);
    const clinic = (host.getAttribute(NAMES.clinicName) || '').trim() || theClinic;
    const email = (host.getAttribute(NAMES.clinicEmail) || '').trim();
    const listed = (allowed[1] || '').toLowerCase().split(/[\s,]+/).includes(email.toLowerCase());
    return (email && listed ? withEmail : plain).replace('{clinic}', clinic).replace('{email}', email);
  };

  // The first step as drawn at build time is the built-in questionnaire's on the default look.
  const instant = (host, place) => !language(host) && !host.hasAttribute(NAMES.langs) && !host.hasAttribute(NAMES.questionnaire)
    && !NAMES.theme.some((name) => host.hasAttribute(name))
    && draftText(host, place) === null;

  // Shows the first step in `root`. The time it appeared starts the fill time; a Continue
  // pressed before the wasm runs is kept for it (and never submits the page's address), and the
  // visitor is told the form is getting ready.
  let failed = false; // the wasm could not load: no step is drawn that could never go on
  // `shown` (ms): a step the page's own HTML carried (declarative shadow DOM) has been there
  // since about the page's start (its response began a round trip later), not since this
  // script ran: the fill time counts the visitor's whole time on it.
  const showFirstStep = (root, shown) => {
    if (failed) return;
    if (!shown) root.innerHTML = FIRST.html;
    root.setAttribute(NAMES.shownAt, String(shown || Date.now()));
    const form = root.querySelector('form');
    // The page's HTML gave it method="dialog" to submit nowhere until now (scripts/build-embed.mjs).
    form.removeAttribute('method');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (root.hasAttribute(NAMES.continuePressed)) return;
      root.setAttribute(NAMES.continuePressed, '');
      const status = document.createElement('p');
      status.className = 'cw-body cw-readying';
      status.setAttribute('role', 'status');
      status.textContent = words(root.getRootNode().host)[1];
      form.append(status);
    });
  };

  // Focus and the caret on a drawn first step, put back on the same control the moment the
  // wasm has drawn it anew: a mutation observer's callback runs before the next task, so before
  // any keystroke. Not on the widget's `ready` event: yew yields to the browser between drawing
  // and its effects when a render runs long (over 16 ms: a slow phone, a busy machine), and a
  // keystroke in that gap, with focus on nothing, was lost. (An email input has no selection
  // to read: yew leaves its caret at the end.)
  const keepFocus = (host) => {
    const shadow = host.shadowRoot;
    const active = shadow && shadow.activeElement;
    if (!active || !active.id || !active.closest(`[${NAMES.shownAt}]`)) return;
    const { id } = active;
    const selection = typeof active.selectionStart === 'number'
      ? [active.selectionStart, active.selectionEnd, active.selectionDirection] : null;
    const watch = new MutationObserver(() => {
      const control = shadow.getElementById(id);
      if (!control || control === active) return;
      watch.disconnect();
      control.focus({ preventScroll: true });
      if (selection) control.setSelectionRange(...selection);
    });
    watch.observe(shadow, { childList: true, subtree: true });
  };

  // The widget's stylesheet travels inside this script (checked with it by the page's
  // integrity attribute) and is adopted by every shadow root: styled from the first frame, with
  // no request to wait for. A constructed stylesheet, which a strict CSP allows, unlike a
  // <style> element.
  let sheet;
  const styles = () => {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(FILES.css);
    }
    return [sheet];
  };

  // Each host gets its shadow root now, styled, with the first step drawn where it can be (or
  // a loading message). `place` is the host's place among all of the page's widgets, as the
  // wasm counts them.
  const hosts = () => document.querySelectorAll(`[${NAMES.mount}]`);
  const prepare = () => [...hosts()]
    .forEach((host, place) => {
      // The snippet with the first step in the page's HTML (README, "The script embed") gives
      // the host its shadow root before this script runs: a declarative one, with the root
      // and the step the visitor may already be typing in, which is taken over as it is. A
      // browser without declarative shadow DOM leaves its <template> inert, and gets both here.
      const declared = host.shadowRoot;
      const drawn = declared && declared.querySelector('.cw-root');
      if (declared && (!drawn || drawn.hasAttribute(NAMES.shownAt))) return;
      const shadow = declared || host.attachShadow({ mode: 'open' });
      // Its own <style> applies only where the page's policy allows it (its hash): this one
      // always does.
      shadow.adoptedStyleSheets = styles();
      const root = drawn || document.createElement('div');
      // The session-replay masks from the start: the first step takes typing before the wasm.
      root.className = FIRST.rootClass;
      for (const [name, value] of FIRST.rootAttributes) root.setAttribute(name, value);
      // Its language for assistive technology and the wasm (which speaks it), and its
      // direction: Arabic mirrors the layout (the stylesheet's logical properties).
      const lang = language(host);
      root.lang = lang || FIRST.lang;
      root.dir = lang ? FILES.langs[lang].dir : 'ltr';
      const choice = offered(host);
      if (choice.length) root.setAttribute(NAMES.langs, choice.map((t) => t || FIRST.lang).join(' '));
      // (Not moved if it is there: a moved node loses focus.)
      if (!drawn) shadow.append(root);
      if (instant(host, place)) {
        showFirstStep(root, drawn && Math.round(performance.timeOrigin));
        return;
      }
      // Not to be shown (a draft waits, a theme or questionnaire of its own): gone, typing and
      // all, as the wasm restores or draws its own.
      root.textContent = '';
      const loading = document.createElement('p');
      loading.className = 'cw-loading';
      loading.setAttribute('role', 'status');
      loading.textContent = words(host)[0];
      // The first step's height (measured: 63.5em from 640px wide, up to 77em at 320px), set
      // through the CSS object model, which a strict CSP allows: the page does not jump.
      loading.style.minHeight = 'calc(1016px + max(0px, (704px - 100vw) * 0.58))';
      root.append(loading);
    });

  const domReady = document.readyState === 'loading'
    ? new Promise((done) => document.addEventListener('DOMContentLoaded', done, { once: true }))
    : Promise.resolve();

  // The browser paints the drawn first step before the wasm starts, which then holds the main
  // thread for a while: the visitor sees the step at once rather than after it. A timer too,
  // as a hidden tab paints no frames.
  const painted = (value) => new Promise((done) => {
    requestAnimationFrame(() => setTimeout(done));
    setTimeout(done, 100);
  }).then(() => value);

  // The release build's panics abort at once and run no panic hook (scripts/tools.sh,
  // `release_build`; docs/size-notes.md): the wasm traps instead, and the trap reaches the
  // page as a WebAssembly.RuntimeError, from an event or a task the widget was running. One
  // from this widget's own files (named on the stack: the wasm where it trapped, the glue that
  // called it) means it has stopped: the wasm then puts its calm crash notice in every widget,
  // once. Others' errors are left alone.
  let started = null; // the wasm's module, once it runs
  const crash = (error) => {
    const stack = error instanceof WebAssembly.RuntimeError ? String(error.stack) : '';
    if (!started || !(stack.includes(wasmFile) || stack.includes(FILES.glue))) return false;
    try {
      started.crashed();
    } catch {
      // The notice is the last thing it tries; the draft already holds the answers.
    }
    return true;
  };
  window.addEventListener('error', (event) => {
    if (crash(event.error)) event.preventDefault();
  });
  window.addEventListener('unhandledrejection', (event) => {
    if (crash(event.reason)) event.preventDefault();
  });

  // The language files this page's widgets need (none for English), each fetched once, beside
  // the wasm (the full one, which reads them), and checked by its digest; for the wasm, their
  // records joined by U+001E (src/view/mod.rs, `language`). Each widget's loading message then
  // says so in its language.
  const languages = () => {
    const tags = needed(hosts());
    if (tags.length) fetchWasm(true);
    return Promise.all(tags.map((tag) => fetch(url(FILES.langs[tag].file), { integrity: integrity[`lang-${tag}`] })
      .then((response) => (response.ok ? response.json() : Promise.reject()))
      .then((data) => {
        loaded[tag] = data;
        for (const host of hosts()) {
          const loading = language(host) === tag && host.shadowRoot && host.shadowRoot.querySelector('.cw-loading');
          if (loading) loading.textContent = data.words[0];
        }
        return data.wasm;
      }, () => { throw missing(FILES.langs[tag].file); })))
      .then((records) => records.join('\x1e'));
  };

  Promise.all([domReady.then(prepare).then(languages), glue])
    .then(painted)
    .then(([data, module]) => module.default({ module_or_path: wasm }).then(() => {
      started = module;
      // Widgets added to the page later (single-page sites) are mounted by calling it again.
      const mount = () => module.mount(...allowed, data);
      window[NAMES.global] = Object.freeze({ mount });
      hosts().forEach(keepFocus);
      mount();
    }))
    .catch((error) => {
      if (crash(error)) return;
      console.error(`Consultation form: could not load. ${(error && error.message) || error}`);
      failed = true;
      for (const host of hosts()) {
        const root = host.shadowRoot && host.shadowRoot.querySelector('.cw-root');
        if (!root) continue;
        const loading = root.querySelector('.cw-loading');
        if (loading) {
          loading.setAttribute('role', 'alert');
          loading.textContent = failedText(host);
        } else if (root.hasAttribute(NAMES.shownAt)) {
          // The first step can take no more: it says so above the answers, which stay there
          // for the visitor to copy.
          const alert = document.createElement('p');
          alert.className = 'cw-loading';
          alert.setAttribute('role', 'alert');
          alert.textContent = failedText(host);
          root.querySelector('.cw-readying')?.remove();
          root.querySelector('button[type=submit]')?.setAttribute('disabled', '');
          root.prepend(alert);
        }
      }
    });
})();
