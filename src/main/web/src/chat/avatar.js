import { h } from "../dom.js";

/** A round badge with the user's initial, its colour derived from the name (decorative: aria-hidden). */
export function avatar(user, extraClass = "") {
  let hash = 0;
  for (const ch of user) hash = (hash * 31 + ch.codePointAt(0)) | 0;
  const el = h("span", { class: `avatar ${extraClass}`.trim(), "aria-hidden": "true", text: [...user][0]?.toUpperCase() ?? "?" });
  el.style.backgroundColor = `hsl(${Math.abs(hash) % 360} 55% 42%)`;
  return el;
}
