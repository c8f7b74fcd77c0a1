// numeric: a number typed the Indonesian way (kimtrain/items/numeric.py); see text.js.
renderers.numeric = (model, item, labels) => textInput(model, item, labels, "numeric");
