// Inside the iframe embed (frame.html): tells the host page the widget's height and events by
// postMessage, only to the origin that greeted it from the parent window (and, when the page
// lists data-host-origins, only to one of those). Never answers: events carry ids and steps.
(() => {
  'use strict';
  const host = document.querySelector('[data-consultation-form]');
  if (!host || window.parent === window) return;
  const allowed = (host.getAttribute('data-host-origins') || '').split(/\s+/).filter(Boolean);
  let parentOrigin = null;
  const waiting = [];
  const post = (message) => {
    const data = { consultationForm: 1, ...message };
    if (parentOrigin) window.parent.postMessage(data, parentOrigin);
    else waiting.push(data);
  };
  const measure = () => post({
    type: 'height',
    height: Math.ceil(document.documentElement.getBoundingClientRect().height),
  });

  window.addEventListener('message', (event) => {
    const data = event.data;
    if (event.source !== window.parent || !data || data.consultationForm !== 1) return;
    if (data.type !== 'hello' || (allowed.length && !allowed.includes(event.origin))) return;
    parentOrigin = event.origin;
    // Only the latest height matters; events keep their order.
    for (const message of waiting.splice(0)) {
      if (message.type !== 'height') window.parent.postMessage(message, parentOrigin);
    }
    measure();
  });
  new ResizeObserver(measure).observe(document.documentElement);
  for (const name of ['ready', 'step', 'submitted', 'failed']) {
    host.addEventListener(`consultation-form:${name}`, (event) => post({ type: 'event', name, detail: event.detail }));
  }
})();
