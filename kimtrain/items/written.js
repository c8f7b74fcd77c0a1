// written: a long answer with its rubric (kimtrain/items/written.py); see text.js.
renderers.written = (model, item, labels) => textInput(model, item, labels, "written");
