// kimtrain's light test page (kimtrain/serve/light.py): the cards of kimtrain.js with a
// small model that speaks JSON to the workshop server instead of widget messages to a
// kernel. The model has the parts of anywidget's model that kimtrain.js uses: get, set,
// save_changes, send, on, off. Calls go one at a time, in the order of the taps; the
// server's reply carries every change (the acknowledgement "ack" included), so a card
// says "Tersimpan" only once the server has the answer on disk.
const config = JSON.parse(document.getElementById("kt-config").textContent);
const LOST = "kimtrain:lost"; // kimtrain.js: the pending cards ask for a reload
const models = new Map();
let queue = Promise.resolve();
let gone = false;

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function call(body) {
  if (gone) return;
  const payload = JSON.stringify({ page: config.page, ...body });
  // A Wi-Fi hiccup: try again (the server answers a repeated token without acting
  // twice); no reply at all leaves the card unacknowledged, and it asks for a reload.
  for (let attempt = 0; attempt < 4; attempt += 1) {
    let response;
    try {
      response = await fetch(config.api, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: payload,
        credentials: "same-origin",
      });
    } catch (e) {
      await pause(1500);
      continue;
    }
    if (response.status === 410) {
      gone = true; // the server does not know this page (it was restarted)
      window.dispatchEvent(new Event(LOST));
      return;
    }
    if (!response.ok) return;
    const reply = await response.json();
    for (const [key, changes] of Object.entries(reply.changes || {})) {
      const model = models.get(key);
      if (model) model.update(changes);
    }
    return;
  }
}

function post(body) {
  queue = queue.then(() => call(body)).catch(() => undefined);
}

class Model {
  constructor(key, state) {
    this.key = key;
    this.state = state;
    this.dirty = {};
    this.handlers = new Map();
  }
  get(name) {
    return this.state[name];
  }
  set(name, value) {
    const changed = !same(this.state[name], value);
    this.state[name] = value;
    this.dirty[name] = value;
    if (changed) this.fire(name);
  }
  save_changes() {
    const state = this.dirty;
    this.dirty = {};
    post({ widget: this.key, state });
  }
  send(msg) {
    post({ widget: this.key, msg });
  }
  on(event, callback) {
    if (!this.handlers.has(event)) this.handlers.set(event, []);
    this.handlers.get(event).push(callback);
  }
  off(event, callback) {
    const list = this.handlers.get(event) || [];
    this.handlers.set(event, callback ? list.filter((c) => c !== callback) : []);
  }
  fire(name) {
    for (const callback of this.handlers.get(`change:${name}`) || []) callback();
  }
  // The server's changes: all set first, then the listeners (as one kernel message).
  update(changes) {
    const fired = [];
    for (const [name, value] of Object.entries(changes)) {
      if (!same(this.state[name], value)) fired.push(name);
      this.state[name] = value;
    }
    for (const name of fired) this.fire(name);
  }
}

try {
  const { default: widgets } = await import(config.module);
  for (const { key, state } of config.widgets) {
    state.labels = { ...config.labels, ...state.labels };
    const model = new Model(key, state);
    models.set(key, model);
    const el = document.querySelector(`.kt-widget[data-widget="${CSS.escape(key)}"]`);
    if (el) widgets.render({ model, el });
  }
  document.body.dataset.ready = "true";
} catch (e) {
  document.getElementById("kt-incomplete").hidden = false;
}
