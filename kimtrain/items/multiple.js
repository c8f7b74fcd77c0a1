// multiple: tap every right option (kimtrain/items/multiple.py); see single.js.
renderers.multiple = (model, item, labels) => choiceButtons(model, item, labels, true);
