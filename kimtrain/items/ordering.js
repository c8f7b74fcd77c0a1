// ordering: tap the steps in their order (kimtrain/items/ordering.py). No dragging: each
// tap on a step gives it the next number; a tap on a numbered step takes it back (the
// later ones move up). The answer is the list of step ids in the order tapped.
function orderingSteps(model, item, labels) {
  const steps = item.options || [];
  const names = Object.fromEntries(steps);
  const placed = () => {
    const v = model.get("value");
    return Array.isArray(v) ? v.filter((id) => id in names) : [];
  };
  const fill = (template, values) =>
    String(template || "").replace(/\{(\w+)\}/g, (_, k) => (k in values ? values[k] : ""));
  const box = h("div", { class: "kt-options kt-steps", role: "group", "aria-label": labels.hint });
  const buttons = steps.map(([id, text]) =>
    h(
      "button",
      {
        type: "button",
        class: "kt-option kt-step",
        "data-step": id,
        onclick: () => {
          const order = placed();
          const next = order.includes(id) ? order.filter((s) => s !== id) : [...order, id];
          commit(model, next.length ? next : null);
        },
      },
      h("span", { class: "kt-mark", "aria-hidden": "true" }, ""),
      h("span", { class: "kt-option-text" }, text),
    ),
  );
  box.append(...buttons);
  const count = h("div", { class: "kt-hint kt-step-count", "aria-live": "polite" });
  const yours = h("ol", { class: "kt-step-order", "aria-label": labels.yours });
  const readBack = h("div", { class: "kt-step-yours" }, h("strong", {}, labels.yours), yours);
  const reset = h(
    "button",
    { type: "button", class: "kt-link kt-step-reset", onclick: () => commit(model, null) },
    labels.reset,
  );
  const paint = () => {
    const order = placed();
    const disabled = model.get("disabled");
    for (const b of buttons) {
      const at = order.indexOf(b.dataset.step);
      const on = at >= 0;
      b.classList.toggle("kt-chosen", on);
      b.setAttribute("aria-pressed", on ? "true" : "false");
      b.querySelector(".kt-mark").textContent = on ? String(at + 1) : "";
      const where = on ? `, ${fill(labels.step, { number: at + 1 })}` : "";
      b.setAttribute("aria-label", `${names[b.dataset.step]}${where}`);
      b.disabled = disabled;
    }
    count.textContent = fill(labels.placed, { placed: order.length, total: steps.length });
    yours.replaceChildren(...order.map((id) => h("li", {}, names[id])));
    readBack.hidden = order.length === 0;
    reset.hidden = order.length === 0;
    reset.disabled = disabled;
  };
  model.on("change:value", paint);
  model.on("change:disabled", paint);
  paint();
  return [
    h("div", { class: "kt-hint" }, labels.hint),
    box,
    count,
    readBack,
    reset,
  ];
}

renderers.ordering = (model, item, labels) => orderingSteps(model, item, labels);
