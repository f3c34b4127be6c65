// The chat screen's fixed skeleton: header (tenant, connection state, me, logout), announcements, the rooms
// sidebar, the room in view with its composer, and the people in it. Returns references to its parts.
import { h } from "../dom.js";

export function buildLayout({ tenant, me, people, topic, search, notifier, switcher, picker, password }) {
  const ref = {};
  ref.roomsToggle = h("button", { type: "button", class: "drawer-toggle", "aria-controls": "sidebar",
    "aria-expanded": "false", text: "Rooms" });
  ref.peopleToggle = h("button", { type: "button", class: "drawer-toggle", "aria-controls": "people",
    "aria-expanded": "false", text: "People" });
  ref.connection = h("p", { id: "connection", class: "connection", role: "status", "aria-live": "polite",
    dataset: { state: "connecting" } },
    h("span", { class: "dot", "aria-hidden": "true" }), h("span", { class: "connection-text", text: "Connecting…" }));
  ref.logout = h("button", { type: "button", class: "logout", text: "Log out" });

  const header = h("header", { class: "topbar" },
    ref.roomsToggle,
    h("div", { class: "brand" }, h("span", { class: "brand-name", text: "Chat" }),
      h("span", { class: "tenant", "aria-label": `workspace ${tenant}`, text: tenant })),
    ref.connection,
    h("div", { class: "me" }, h("span", { class: "visually-hidden", text: "Signed in as " }),
      people.nameOf(me, { class: "me-name" })),
    ref.logout);

  ref.announcements = h("div", { class: "announcements", role: "region", "aria-label": "Announcements",
    "aria-live": "polite" });

  ref.roomList = h("ul", { class: "room-list", "aria-label": "Your rooms" });
  ref.dmList = h("ul", { class: "room-list dm-list", "aria-label": "Direct messages" });
  ref.joinInput = h("input", { id: "join-room", name: "room", type: "text", autocomplete: "off",
    maxlength: "64", placeholder: "e.g. general", spellcheck: "false",
    "aria-describedby": "join-hint" });
  ref.joinForm = h("form", { class: "join-form", novalidate: true },
    h("label", { for: "join-room", text: "Join or create a room" }),
    h("div", { class: "row" }, ref.joinInput, h("button", { type: "submit", text: "Join" })),
    h("p", { id: "join-hint", class: "hint", text: "Letters, digits, - _ . (up to 64)" }));
  ref.directory = h("ul", { class: "directory", "aria-label": "Rooms you have not joined" });
  ref.refreshRooms = h("button", { type: "button", class: "link-button", text: "Refresh",
    "aria-label": "Refresh the room directory" });
  ref.closeRooms = h("button", { type: "button", class: "drawer-close", "aria-label": "Close rooms", text: "×" });
  ref.closePeople = h("button", { type: "button", class: "drawer-close", "aria-label": "Close people", text: "×" });
  ref.sidebar = h("nav", { id: "sidebar", class: "sidebar drawer", "aria-label": "Rooms" },
    ref.closeRooms,
    search?.el,
    h("h2", { text: "Your rooms" }),
    ref.roomList,
    h("div", { class: "section-title" }, h("h2", { text: "Direct messages" }), picker?.toggle),
    picker?.form,
    ref.dmList,
    switcher ? h("button", { type: "button", class: "link-button switcher-open", text: "Go to a room (Ctrl+K)",
      onclick: () => switcher.show() }) : null,
    notifier?.control,
    password?.button,
    ref.joinForm,
    h("div", { class: "section-title" }, h("h2", { text: "Browse rooms" }), ref.refreshRooms),
    ref.directory);

  ref.roomTitle = h("h1", { id: "room-title", class: "room-title", text: "No room" });
  ref.notice = h("p", { class: "notice", role: "alert", hidden: true });
  ref.panes = h("div", { class: "panes" });
  ref.typing = h("p", { class: "typing", "aria-live": "polite" });
  ref.composerInput = h("textarea", { id: "composer", name: "text", rows: "1",
    autocomplete: "off", placeholder: "Write a message…", "aria-describedby": "composer-hint" });
  ref.composerLabel = h("label", { for: "composer", class: "visually-hidden", text: "Message" });
  ref.sendButton = h("button", { type: "submit", class: "send", text: "Send" });
  ref.composer = h("form", { class: "composer", novalidate: true },
    ref.composerLabel, ref.composerInput, ref.sendButton,
    h("p", { id: "composer-hint", class: "visually-hidden", text: "Enter sends, Shift+Enter adds a line." }));
  const main = h("main", { class: "room-view", "aria-labelledby": "room-title" },
    h("div", { class: "room-header" },
      h("div", { class: "room-heading" }, ref.roomTitle, topic.el), ref.peopleToggle), ref.notice, ref.panes, ref.typing, ref.composer);

  ref.peopleTitle = h("h2", { id: "people-title", text: "People" });
  ref.people = h("ul", { class: "people-list", "aria-labelledby": "people-title" });
  ref.peoplePanel = h("aside", { id: "people", class: "people drawer", "aria-labelledby": "people-title" },
    ref.closePeople, ref.peopleTitle, ref.people);

  ref.root = h("div", { class: "chat" }, header, ref.announcements,
    h("div", { class: "layout" }, ref.sidebar, main, ref.peoplePanel), switcher?.el, password?.el);
  return ref;
}
