// kimtrain participant widgets: one module, three views (item, identity, check).
// Plain DOM, no dependencies, nothing fetched from the network.

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (v !== false && v !== null && v !== undefined) el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// Stems are plain text: blank lines make paragraphs, **bold** is the only markup.
function paragraphs(text) {
  return String(text || "")
    .split(/\n\s*\n/)
    .map((para) => {
      const p = h("p");
      para.split(/(\*\*[^*]+\*\*)/).forEach((part, i) => {
        if (i % 2 === 1) p.append(h("strong", {}, part.slice(2, -2)));
        // A single line break is wrapping in the YAML source, not meaning: a space.
        else p.append(document.createTextNode(part.replace(/\s*\n\s*/g, " ")));
      });
      return p;
    });
}

// -- acknowledgements: "Tersimpan" only for what the kernel has written ------------------
// Each change or event carries a token; the kernel sends it back as "ack" once it has
// handled it (an answer: after it is on disk). Until then the card says "Menyimpan …".
// No acknowledgement within ACK_TIMEOUT (a restarted kernel has no widgets, so the
// page's messages go nowhere): the card and a banner ask the participant to reload.
const ACK_TIMEOUT = 10000;
const trackers = new WeakMap();

function newToken() {
  return Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
}

function lostBanner(labels) {
  if (document.getElementById("kt-lost")) return;
  const banner = h(
    "div",
    { id: "kt-lost", class: "kt-lost", role: "alert" },
    h("p", {}, labels.not_saved),
    h("button", { type: "button", class: "kt-action", onclick: () => location.reload() }, labels.reload),
  );
  document.body.append(banner);
}

function statusLine(model) {
  const labels = model.get("labels") || {};
  const line = h("div", { class: "kt-status", role: "status", "aria-live": "polite" });
  let pending = null;
  let lost = false;
  let timer = null;
  const update = () => {
    if (lost) {
      line.textContent = labels.not_saved;
      line.dataset.status = "lost";
    } else if (pending !== null) {
      line.textContent = labels.saving || "";
      line.dataset.status = "saving";
    } else {
      line.textContent = model.get("message") || "";
      line.dataset.status = model.get("status") || "";
    }
  };
  update();
  model.on("change:message", update);
  model.on("change:status", update);
  if (labels.not_saved) {
    trackers.set(model, () => {
      const token = newToken();
      pending = token;
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (pending !== token) return;
        lost = true;
        update();
        lostBanner(labels);
      }, ACK_TIMEOUT);
      update();
      return token;
    });
    // the light page (light.js): the server no longer knows this page
    window.addEventListener("kimtrain:lost", () => {
      if (pending === null || lost) return;
      lost = true;
      clearTimeout(timer);
      update();
      lostBanner(labels);
    });
    model.on("change:ack", () => {
      if (pending !== null && model.get("ack") === pending) {
        pending = null;
        clearTimeout(timer);
        update();
      }
    });
  }
  return line;
}

// A token for this change or event (empty where nothing is tracked: practice mode).
function track(model) {
  const start = trackers.get(model);
  return start ? start() : "";
}

// An answer changed by the participant: sent with its token.
function commit(model, value) {
  model.set("token", track(model));
  model.set("value", value);
  model.save_changes();
}

function sendTracked(model, message) {
  model.send({ ...message, token: track(model) });
}

// -- item types: each renderer comes from kimtrain/items/<type>.js ----------------------
// renderers[type](model, item, labels) returns the card's answer elements. The Python
// side inserts every type's file below (kimtrain.widgets.views.module_source).
const renderers = {};

/* kimtrain:item-renderers */

function unknownType(item, labels) {
  return [h("p", { class: "kt-hint", role: "alert" }, `${labels.unknown_type || "?"} (${item.type})`)];
}

function renderItem(model, el) {
  const item = model.get("item");
  const labels = model.get("labels");
  const card = h("section", { class: "kt-card", "data-item": item.id, "data-type": item.type });
  const head = h(
    "div",
    { class: "kt-head" },
    h("span", { class: "kt-number" }, labels.number),
    h("span", { class: "kt-points" }, labels.points),
  );
  const stem = h("div", { class: "kt-stem" }, ...paragraphs(item.stem));
  card.append(head, stem);
  const render = Object.hasOwn(renderers, item.type) ? renderers[item.type] : null;
  const body = render ? render(model, item, labels) : unknownType(item, labels);
  card.append(...body.filter(Boolean));
  const fb = h("div", { class: "kt-feedback" });
  const paintFeedback = () => {
    const f = model.get("feedback") || {};
    fb.replaceChildren();
    fb.dataset.verdict = f.verdict || "";
    if (f.title) fb.append(h("strong", {}, f.title));
    if (f.text) fb.append(...paragraphs(f.text));
  };
  model.on("change:feedback", paintFeedback);
  paintFeedback();
  card.append(fb, statusLine(model));
  if (model.get("mode") === "practice") practiceControls(model, card, labels);
  el.append(card);
}

function renderIdentity(model, el) {
  const labels = model.get("labels");
  const withPin = Boolean(model.get("pin_required"));
  const card = h("section", { class: "kt-card kt-identity" });
  const title = h("div", { class: "kt-title" });
  const input = h("input", {
    class: "kt-input kt-code",
    type: "text",
    autocomplete: "off",
    autocapitalize: "characters",
    "aria-label": labels.code,
    placeholder: labels.placeholder,
  });
  const pin = withPin
    ? h("input", {
        class: "kt-input kt-pin",
        type: "password",
        inputmode: "numeric",
        autocomplete: "off",
        maxlength: "12",
        "aria-label": labels.pin,
        placeholder: labels.pin_placeholder,
      })
    : null;
  // The code (and PIN) are remembered for this tab only, so a reload needs one tap on
  // "Mulai"; "Ganti peserta" forgets them.
  const remembered = (key) => {
    try {
      return sessionStorage.getItem(key) || "";
    } catch (e) {
      return "";
    }
  };
  const remember = (key, value) => {
    try {
      if (value) sessionStorage.setItem(key, value);
      else sessionStorage.removeItem(key);
    } catch (e) {
      /* storage may be disabled; the code is simply typed again */
    }
  };
  const go = () => {
    remember("kimtrain-code", input.value.trim());
    if (pin) remember("kimtrain-pin", pin.value.trim());
    sendTracked(model, { event: "identify", code: input.value, pin: pin ? pin.value : "" });
  };
  for (const field of [input, pin].filter(Boolean)) {
    field.addEventListener("keydown", (e) => {
      if (e.key === "Enter") go();
    });
  }
  const start = h("button", { type: "button", class: "kt-action", onclick: go }, labels.start);
  const change = h(
    "button",
    {
      type: "button",
      class: "kt-link",
      onclick: () => {
        remember("kimtrain-code", "");
        remember("kimtrain-pin", "");
        if (pin) pin.value = "";
        sendTracked(model, { event: "change" });
      },
    },
    labels.change,
  );
  const paint = () => {
    const who = model.get("participant");
    title.textContent = who ? `${labels.you}: ${who}` : withPin ? labels.ask_pin : labels.ask;
    input.hidden = start.hidden = Boolean(who);
    if (pin) pin.hidden = Boolean(who);
    change.hidden = !who; // after Kirim too: the next person on a shared laptop
    if (!who) {
      input.value = model.get("code") || remembered("kimtrain-code");
      if (pin && !pin.value) pin.value = remembered("kimtrain-pin");
    }
  };
  // Refused with the page to open instead (a counterbalanced pair: the first test
  // first): a link under the message. The address is the server's own; its words are
  // text, never markup.
  const elsewhere = h("a", { class: "kt-go-first", hidden: true });
  const showLink = () => {
    const link = model.get("link") || {};
    const href = typeof link.href === "string" && /^\/(?!\/)/.test(link.href) ? link.href : "";
    elsewhere.hidden = !href;
    if (href) elsewhere.setAttribute("href", href);
    else elsewhere.removeAttribute("href");
    elsewhere.textContent = href ? String(link.text || href) : "";
  };
  model.on("change:participant", paint);
  model.on("change:locked", paint);
  model.on("change:link", showLink);
  paint();
  showLink();
  card.append(title, input, ...(pin ? [pin] : []), start, change, statusLine(model), elsewhere);
  el.append(card);
}

function renderCheck(model, el) {
  const labels = model.get("labels");
  const card = h("section", { class: "kt-card kt-check" });
  const out = h("div", { class: "kt-check-result" });
  const button = h(
    "button",
    { type: "button", class: "kt-action", onclick: () => sendTracked(model, { event: "check" }) },
    labels.check,
  );
  const paint = () => {
    const r = model.get("result") || {};
    out.replaceChildren();
    if (r.summary) out.append(h("p", { class: "kt-summary" }, r.summary));
    if (r.missing && r.missing.length) {
      const ul = h("ul", { class: "kt-missing" });
      for (const [number, text] of r.missing) ul.append(h("li", {}, `${number}. ${text}`));
      out.append(ul);
    }
  };
  model.on("change:result", paint);
  paint();
  card.append(button, out, statusLine(model));
  el.append(card);
}

function renderSubmit(model, el) {
  const labels = model.get("labels");
  const card = h("section", { class: "kt-card kt-submit" });
  const out = h("div", { class: "kt-check-result" });
  const button = h(
    "button",
    { type: "button", class: "kt-action kt-send", onclick: () => sendTracked(model, { event: "submit" }) },
    labels.submit,
  );
  const paint = () => {
    const r = model.get("result") || {};
    out.replaceChildren(...paragraphs(r.summary || ""));
    button.disabled = model.get("done");
    button.textContent = r.confirm ? labels.submit_anyway : labels.submit;
  };
  model.on("change:result", paint);
  model.on("change:done", paint);
  paint();
  card.append(h("p", { class: "kt-hint" }, labels.submit_hint), button, out, statusLine(model));
  el.append(card);
}

// -- practice mode (kimtrain.practice): badge, action buttons, score and draft cards ------

function practiceBadge(labels) {
  return h("span", { class: "kt-badge", title: labels.badge_hint || "" }, labels.badge || "");
}

// The buttons the Python session allows right now (model "actions"); each sends its name.
function practiceControls(model, card, labels) {
  card.classList.add("kt-practice");
  const head = card.querySelector(".kt-head");
  if (head) head.append(practiceBadge(labels));
  const bar = h("div", { class: "kt-actions" });
  const paint = () => {
    bar.replaceChildren();
    for (const action of model.get("actions") || []) {
      const send = () => {
        const message = { event: action };
        const input = card.querySelector(".kt-input");
        if (action === "check" && input) message.value = input.value.trim() === "" ? null : input.value;
        model.send(message);
      };
      const primary = action === "check" || action === "next" || action === "restart";
      bar.append(
        h(
          "button",
          { type: "button", class: primary ? "kt-action" : "kt-action kt-secondary", "data-action": action, onclick: send },
          labels[action] || action,
        ),
      );
    }
  };
  model.on("change:actions", paint);
  paint();
  card.append(bar);
}

function renderScore(model, el) {
  const labels = model.get("labels");
  const card = h("section", { class: "kt-card kt-score kt-practice" });
  const body = h("div", { class: "kt-score-body", role: "status", "aria-live": "polite" });
  const paint = () => {
    const r = model.get("result") || {};
    body.replaceChildren();
    if (r.score) body.append(h("p", { class: "kt-score-main" }, r.score));
    if (r.lines && r.lines.length) body.append(h("ul", {}, ...r.lines.map((line) => h("li", {}, line))));
    if (r.note) body.append(h("p", { class: "kt-hint" }, r.note));
  };
  model.on("change:result", paint);
  paint();
  card.append(h("div", { class: "kt-title" }, labels.title || ""), body);
  el.append(card);
}

function renderDraft(model, el) {
  const labels = model.get("labels");
  const card = h("section", { class: "kt-card kt-draft kt-practice" });
  const head = h("div", { class: "kt-head" }, h("span", { class: "kt-title" }, labels.title || ""), practiceBadge(labels));
  const input = h("textarea", { class: "kt-input kt-textarea", rows: 8, "aria-label": labels.answer || "" });
  input.value = model.get("text") || "";
  const button = h(
    "button",
    { type: "button", class: "kt-action", onclick: () => model.send({ event: "check", text: input.value }) },
    labels.check,
  );
  const out = h("div", { class: "kt-feedback" });
  const paint = () => {
    const r = model.get("result") || {};
    out.replaceChildren();
    out.dataset.verdict = r.verdict || "";
    if (r.summary) out.append(h("strong", {}, r.summary));
    if (r.checks && r.checks.length) {
      const ul = h("ul", { class: "kt-checklist" });
      for (const [ok, label, detail] of r.checks) {
        ul.append(
          h(
            "li",
            { "data-ok": ok ? "true" : "false" },
            h("span", { class: "kt-tick", "aria-hidden": "true" }, ok ? "✓" : "✗"),
            h("span", {}, label, detail ? h("span", { class: "kt-detail" }, ` — ${detail}`) : null),
          ),
        );
      }
      out.append(ul);
    }
    if (r.flags && r.flags.length) {
      const ul = h("ul", { class: "kt-flags" });
      for (const [word, note] of r.flags) ul.append(h("li", {}, h("mark", {}, word), ` ${note}`));
      out.append(ul);
    }
    if (r.note) out.append(h("p", { class: "kt-hint" }, r.note));
  };
  model.on("change:result", paint);
  model.on("change:text", () => {
    if (document.activeElement !== input) input.value = model.get("text") || "";
  });
  paint();
  card.append(head, h("div", { class: "kt-hint" }, labels.prompt || ""), input, button, out);
  el.append(card);
}

export default {
  render({ model, el }) {
    el.classList.add("kimtrain");
    const kind = model.get("kind");
    if (kind === "identity") renderIdentity(model, el);
    else if (kind === "check") renderCheck(model, el);
    else if (kind === "submit") renderSubmit(model, el);
    else if (kind === "score") renderScore(model, el);
    else if (kind === "draft") renderDraft(model, el);
    else renderItem(model, el);
  },
};
