// For a clinic page that embeds the widget in an iframe: greets each iframe marked as the
// widget's frame, sets its height from the widget's messages (no inner scrollbar), brings
// its top into view after each step and send, and re-dispatches the widget's events on the
// iframe element. Messages from any other window or origin are ignored. The names
// (attributes, events, messages) are the widget's, written in by the build
// (src/bin/prerender.rs, src/core/frame.rs).
(() => {
  'use strict';
  const frames = () => [...document.querySelectorAll(`iframe[${NAMES.frame}]`)];
  const originOf = (frame) => new URL(frame.src, location.href).origin;
  const hello = (frame) => {
    if (frame.contentWindow) frame.contentWindow.postMessage({ [NAMES.message]: 1, type: NAMES.hello }, originOf(frame));
  };

  const start = () => {
    for (const frame of frames()) {
      if (frame.hasAttribute(NAMES.frameReady)) continue;
      frame.setAttribute(NAMES.frameReady, '');
      // The CSS object model, not a style attribute: allowed by a strict CSP.
      frame.style.display = 'block';
      frame.style.width = '100%';
      frame.style.border = '0';
      frame.addEventListener('load', () => hello(frame));
      hello(frame);
    }
  };

  window.addEventListener('message', (event) => {
    const frame = frames().find((f) => f.contentWindow === event.source);
    const data = event.data;
    if (!frame || event.origin !== originOf(frame) || !data || data[NAMES.message] !== 1) return;
    if (data.type === NAMES.height) {
      const height = Number(data.height);
      if (height > 0 && height < 100000) frame.style.height = `${height}px`;
    } else if (data.type === NAMES.event && NAMES.events.includes(data.name)) {
      const name = NAMES.eventPrefix + data.name;
      frame.dispatchEvent(new CustomEvent(name, { bubbles: true, detail: data.detail }));
      if (name !== NAMES.ready && frame.getBoundingClientRect().top < 0) {
        frame.scrollIntoView({ block: 'start' });
      }
    }
  });

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
})();
