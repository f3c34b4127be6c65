// The only way the client builds DOM: elements from tag names, attributes and text nodes.
// Data is never parsed as HTML: strings become text nodes (textContent), never innerHTML.

/**
 * h("li", {class: "msg", dataset: {seq: 3}, onclick: fn}, "text", child) → an element.
 * Props: `class`, `text` (textContent), `dataset`, `on<event>` listeners, `hidden`/`disabled`/`value`...
 * as properties, anything else as an attribute. `innerHTML` and `outerHTML` are refused.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value == null || value === false) continue;
    if (key === "innerHTML" || key === "outerHTML") throw new Error("h(): " + key + " is not allowed");
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = String(value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (PROPERTIES.has(key)) el[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

const PROPERTIES = new Set(["hidden", "disabled", "value", "checked", "required", "autofocus", "readOnly", "tabIndex"]);

/** Appends children (elements, strings as text nodes, nested arrays); null/false are skipped. */
export function append(parent, children) {
  for (const child of [children].flat(Infinity)) {
    if (child == null || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces all children of `parent`. */
export function replaceChildren(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/** Sets the text of an element (textContent), only when it changed. */
export function setText(el, text) {
  const value = String(text ?? "");
  if (el.textContent !== value) el.textContent = value;
}
