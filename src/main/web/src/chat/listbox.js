// A listbox whose active option a text field points at (aria-activedescendant): the mention autocomplete and the
// quick switcher. The focus stays in the field; options are picked with the keys or a press.
import { h, replaceChildren } from "../dom.js";

/**
 * Renders `items` as options of `list` (ids `${list.id}-${i}`), `active` selected, and points `field` at it.
 * @param content (item) → the option's children
 * @param data    (item) → the option's dataset
 * @param pick    (index) → on a press (taken on mousedown, so the field keeps the focus)
 */
export function renderOptions(list, field, { items, active, className, content, data, pick }) {
  replaceChildren(list, items.map((item, i) => h("li", {
    id: `${list.id}-${i}`,
    class: `${className}${i === active ? " active" : ""}`,
    role: "option",
    "aria-selected": i === active ? "true" : "false",
    dataset: data(item),
    onmousedown: (event) => {
      event.preventDefault();
      pick(i);
    },
  }, content(item))));
  if (items.length) field.setAttribute("aria-activedescendant", `${list.id}-${active}`);
  else field.removeAttribute("aria-activedescendant");
}

/** The active index after ArrowDown (+1) or ArrowUp (-1), round the list. */
export function step(active, key, count) {
  return (active + (key === "ArrowDown" ? 1 : -1) + count) % count;
}
