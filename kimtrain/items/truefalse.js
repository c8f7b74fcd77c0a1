// truefalse: two verdict buttons, Fakta/Hoaks or Benar/Salah (kimtrain/items/truefalse.py).
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
          commit(model, model.get("value") === val ? null : val);
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

renderers.truefalse = (model, item) => trueFalse(model, item);
