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

// Stems are plain text with blank-line paragraphs; **bold** is the only markup.
function paragraphs(text) {
  return String(text || "")
    .split(/\n\s*\n/)
    .map((para) => {
      const p = h("p");
      para.split(/(\*\*[^*]+\*\*)/).forEach((part, i) => {
        if (i % 2 === 1) p.append(h("strong", {}, part.slice(2, -2)));
        else {
          const lines = part.split("\n");
          lines.forEach((line, j) => {
            p.append(document.createTextNode(line));
            if (j < lines.length - 1) p.append(h("br"));
          });
        }
      });
      return p;
    });
}

function statusLine(model) {
  const line = h("div", { class: "kt-status", role: "status", "aria-live": "polite" });
  const update = () => {
    line.textContent = model.get("message") || "";
    line.dataset.status = model.get("status") || "";
  };
  update();
  model.on("change:message", update);
  model.on("change:status", update);
  return line;
}

function choiceButtons(model, item, labels, multiple) {
  const box = h("div", { class: "kt-options", role: multiple ? "group" : "radiogroup" });
  const buttons = [];
  const selected = () => {
    const v = model.get("value");
    if (v === null || v === undefined) return [];
    return Array.isArray(v) ? v : [v];
  };
  const paint = () => {
    const chosen = selected();
    for (const b of buttons) {
      const on = chosen.includes(b.dataset.option);
      b.classList.toggle("kt-chosen", on);
      b.setAttribute("aria-checked", on ? "true" : "false");
      b.disabled = model.get("disabled");
    }
  };
  for (const [key, text] of item.options || []) {
    const b = h(
      "button",
      {
        type: "button",
        class: "kt-option",
        role: multiple ? "checkbox" : "radio",
        "data-option": key,
        onclick: () => {
          let next;
          if (multiple) {
            const cur = new Set(selected());
            cur.has(key) ? cur.delete(key) : cur.add(key);
            next = (item.options || []).map((o) => o[0]).filter((k) => cur.has(k));
            if (next.length === 0) next = null;
          } else {
            next = selected()[0] === key ? null : key;
          }
          model.set("value", next);
          model.save_changes();
        },
      },
      h("span", { class: "kt-mark", "aria-hidden": "true" }, key),
      h("span", { class: "kt-option-text" }, text),
    );
    buttons.push(b);
    box.append(b);
  }
  model.on("change:value", paint);
  model.on("change:disabled", paint);
  paint();
  return [box, multiple ? h("div", { class: "kt-hint" }, labels.multiple_hint) : null];
}

function trueFalse(model, item) {
  const box = h("div", { class: "kt-options kt-two", role: "radiogroup" });
  const pairs = [
    [true, item.labels[0]],
    [false, item.labels[1]],
  ];
  const buttons = pairs.map(([val, text]) =>
    h(
      "button",
      {
        type: "button",
        class: "kt-option kt-verdict",
        role: "radio",
        "data-verdict": String(val),
        onclick: () => {
          model.set("value", model.get("value") === val ? null : val);
          model.save_changes();
        },
      },
      text,
    ),
  );
  const paint = () => {
    for (const b of buttons) {
      const on = String(model.get("value")) === b.dataset.verdict;
      b.classList.toggle("kt-chosen", on);
      b.setAttribute("aria-checked", on ? "true" : "false");
      b.disabled = model.get("disabled");
    }
  };
  box.append(...buttons);
  model.on("change:value", paint);
  model.on("change:disabled", paint);
  paint();
  return [box];
}

function textInput(model, item, labels, kind) {
  const multiline = kind === "written";
  const input = multiline
    ? h("textarea", { class: "kt-input kt-textarea", rows: 8, "aria-label": labels.answer })
    : h("input", {
        class: "kt-input",
        type: "text",
        inputmode: kind === "numeric" ? "decimal" : "text",
        autocomplete: "off",
        "aria-label": labels.answer,
      });
  let timer = null;
  const push = () => {
    clearTimeout(timer);
    timer = null;
    const text = input.value;
    const next = text.trim() === "" ? null : text;
    if (next !== model.get("value")) {
      model.set("value", next);
      model.save_changes();
    }
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(push, 700);
  });
  input.addEventListener("change", push);
  input.addEventListener("blur", push);
  const paint = () => {
    const v = model.get("value");
    if (document.activeElement !== input) input.value = v === null || v === undefined ? "" : v;
    input.disabled = model.get("disabled");
  };
  model.on("change:value", paint);
  model.on("change:disabled", paint);
  paint();
  const parts = [input];
  if (item.unit) parts.push(h("div", { class: "kt-hint" }, `${labels.unit}: ${item.unit}`));
  if (kind === "numeric") parts.push(h("div", { class: "kt-hint" }, labels.numeric_hint));
  if (multiline && item.rubric) {
    const rubric = h("details", { class: "kt-rubric" }, h("summary", {}, labels.rubric));
    for (const c of item.rubric) {
      const ul = h("ul");
      for (const [points, text] of c.levels) ul.append(h("li", {}, `${points}: ${text}`));
      rubric.append(h("div", { class: "kt-criterion" }, h("strong", {}, c.name), ul));
    }
    parts.push(rubric);
  }
  return parts;
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
  let body;
  if (item.type === "single") body = choiceButtons(model, item, labels, false);
  else if (item.type === "multiple") body = choiceButtons(model, item, labels, true);
  else if (item.type === "truefalse") body = trueFalse(model, item);
  else body = textInput(model, item, labels, item.type);
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
  el.append(card);
}

function renderIdentity(model, el) {
  const labels = model.get("labels");
  const card = h("section", { class: "kt-card kt-identity" });
  const title = h("div", { class: "kt-title" });
  const input = h("input", {
    class: "kt-input",
    type: "text",
    autocomplete: "off",
    autocapitalize: "characters",
    "aria-label": labels.code,
    placeholder: labels.placeholder,
  });
  // The code is remembered for this tab only, so a reload needs one tap on "Mulai".
  const remembered = () => {
    try {
      return sessionStorage.getItem("kimtrain-code") || "";
    } catch (e) {
      return "";
    }
  };
  const remember = (code) => {
    try {
      if (code) sessionStorage.setItem("kimtrain-code", code);
      else sessionStorage.removeItem("kimtrain-code");
    } catch (e) {
      /* storage may be disabled; the code is simply typed again */
    }
  };
  const go = () => {
    remember(input.value.trim());
    model.send({ event: "identify", code: input.value });
  };
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") go();
  });
  const start = h("button", { type: "button", class: "kt-action", onclick: go }, labels.start);
  const change = h(
    "button",
    {
      type: "button",
      class: "kt-link",
      onclick: () => {
        remember("");
        model.send({ event: "change" });
      },
    },
    labels.change,
  );
  const paint = () => {
    const who = model.get("participant");
    title.textContent = who ? `${labels.you}: ${who}` : labels.ask;
    input.hidden = start.hidden = Boolean(who);
    change.hidden = !who || model.get("locked");
    if (!who) input.value = model.get("code") || remembered();
  };
  model.on("change:participant", paint);
  model.on("change:locked", paint);
  paint();
  card.append(title, input, start, change, statusLine(model));
  el.append(card);
}

function renderCheck(model, el) {
  const labels = model.get("labels");
  const card = h("section", { class: "kt-card kt-check" });
  const out = h("div", { class: "kt-check-result" });
  const button = h(
    "button",
    { type: "button", class: "kt-action", onclick: () => model.send({ event: "check" }) },
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
    { type: "button", class: "kt-action kt-send", onclick: () => model.send({ event: "submit" }) },
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

export default {
  render({ model, el }) {
    el.classList.add("kimtrain");
    const kind = model.get("kind");
    if (kind === "identity") renderIdentity(model, el);
    else if (kind === "check") renderCheck(model, el);
    else if (kind === "submit") renderSubmit(model, el);
    else renderItem(model, el);
  },
};
