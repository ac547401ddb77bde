// Inside the iframe embed (frame.html): tells the host page the widget's height and events by
// postMessage, only to the origin that greeted it from the parent window, and only when that
// origin is one of the host origins the clinic listed on the widget's element: without them
// it talks to nobody (fails closed). Never answers: events carry steps and reasons. The
// height is sent only when it changes, not as the visitor types. The names (attributes,
// events, messages) are the widget's, written in by the build (src/bin/prerender.rs,
// src/core/frame.rs).
(() => {
  'use strict';
  const host = document.querySelector(`[${NAMES.mount}]`);
  if (!host || window.parent === window) return;
  const allowed = (host.getAttribute(NAMES.hostOrigins) || '').split(/\s+/).filter(Boolean);
  if (!allowed.length) return;
  let parentOrigin = null;
  let lastHeight = -1;
  const waiting = [];
  const post = (message) => {
    const data = { [NAMES.message]: 1, ...message };
    if (parentOrigin) window.parent.postMessage(data, parentOrigin);
    else waiting.push(data);
  };
  // Sent once greeted, then only when it changes: the frame needs nothing else to fit.
  const measure = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (!parentOrigin || height === lastHeight) return;
    lastHeight = height;
    post({ type: NAMES.height, height });
  };

  window.addEventListener('message', (event) => {
    const data = event.data;
    if (event.source !== window.parent || !data || data[NAMES.message] !== 1) return;
    if (data.type !== NAMES.hello || !allowed.includes(event.origin)) return;
    parentOrigin = event.origin;
    // Events keep their order; the height follows.
    for (const message of waiting.splice(0)) window.parent.postMessage(message, parentOrigin);
    measure();
  });
  new ResizeObserver(measure).observe(document.documentElement);
  for (const name of NAMES.events) {
    host.addEventListener(NAMES.eventPrefix + name, (event) => post({ type: NAMES.event, name, detail: event.detail }));
  }
})();
