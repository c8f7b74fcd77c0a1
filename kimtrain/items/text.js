// text: a short typed answer (kimtrain/items/text.py). textInput serves numeric and
// written too.
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
    if (next !== model.get("value")) commit(model, next);
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

renderers.text = (model, item, labels) => textInput(model, item, labels, "text");
