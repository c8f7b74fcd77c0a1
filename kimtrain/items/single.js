// single: tap one option (kimtrain/items/single.py). choiceButtons serves multiple too.
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
          commit(model, next);
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

renderers.single = (model, item, labels) => choiceButtons(model, item, labels, false);
