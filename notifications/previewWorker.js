// One thread of the template preview renderer (previewRenderer.ts): renders what a person typed, one
// request at a time, and answers with the result or the reason. The main thread times each render and
// terminates this thread when it runs over its budget, so a template that repeats itself into the
// millions costs this thread, never the API's event loop.
// Plain JavaScript: a worker thread does not inherit the TypeScript loader under every runner (jest).
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { renderTemplate } = require('./templateEngine.js');

const { maxOutputChars } = workerData;

parentPort.on('message', ({ id, source, variables, settings }) => {
  try {
    const out = renderTemplate(source, variables, settings);
    const length = out.subject.length + out.body.length;
    if (length > maxOutputChars) throw new Error(`the rendered message is too long (${length} characters, at most ${maxOutputChars})`);
    parentPort.postMessage({ id, ok: true, subject: out.subject, body: out.body });
  } catch (err) {
    parentPort.postMessage({ id, ok: false, message: String((err && err.message) || err) });
  }
});
parentPort.postMessage({ ready: true });
