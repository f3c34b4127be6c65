// The sidebar's lists (my rooms with unread counts, the directory of rooms to join) and the people in the room in view.
import { h, replaceChildren } from "../dom.js";
import { avatar } from "./avatar.js";

/**
 * My rooms: a button to view each (with its unread count and mentions of me) and a button to leave it. With `label`,
 * my conversations: each named by `label(room)`, with an `@`, and a button to hide it (the server forgets it for me
 * and stops sending me its messages; opening it again from the people list or the picker brings it back).
 */
export function renderRoomList(ul, rooms, viewName, actions, { label = null, empty = "No rooms yet: join one below." } = {}) {
  replaceChildren(ul, rooms.map((room) => {
    const current = room.name === viewName;
    const unread = room.unread > 0 && !current;
    const mentions = room.mentions > 0 && !current;
    const name = label ? label(room) : room.name;
    return h("li", { class: `room-item${current ? " current" : ""}`,
      dataset: label ? { room: room.name, dm: name } : { room: room.name } },
      h("button", {
        type: "button",
        class: "room-button",
        "aria-current": current ? "true" : null,
        onclick: () => actions.view(room.name),
      },
        h("span", { class: "hash", "aria-hidden": "true", text: label ? "@" : "#" }),
        h("span", { class: "room-name", text: name }),
        unread ? h("span", { class: "badge", dataset: { unread: room.unread } },
          h("span", { text: room.unread >= 99 ? "99+" : String(room.unread) }), // the server counts up to 99
          h("span", { class: "visually-hidden", text: room.unread === 1 ? " unread message" : " unread messages" }))
          : null,
        mentions ? h("span", { class: "mention-badge", dataset: { mentions: room.mentions } },
          h("span", { "aria-hidden": "true", text: "@" }),
          h("span", { text: room.mentions >= 99 ? "99+" : String(room.mentions) }),
          h("span", { class: "visually-hidden", text: room.mentions === 1 ? " mention of you" : " mentions of you" }))
          : null),
      h("button", {
        type: "button",
        class: "leave-button",
        title: label ? `Hide conversation with ${name}` : `Leave #${room.name}`,
        "aria-label": label ? `Hide conversation with ${name}` : `Leave #${room.name}`,
        text: "×",
        onclick: () => actions.leave(room.name),
      }));
  }));
  if (!rooms.length) ul.append(h("li", { class: "empty", text: empty }));
}

/**
 * The room directory: the workspace's rooms with history or members that I have not joined, each with its topic and
 * how many people are in it (joined, online or not).
 */
export function renderDirectory(ul, listed, joined, actions) {
  const others = listed.filter((r) => !joined.has(r.name));
  replaceChildren(ul, others.map((room) => h("li", null,
    h("button", {
      type: "button",
      class: "directory-button",
      "aria-label": `Join #${room.name} (${room.members} ${room.members === 1 ? "person" : "people"})`,
      onclick: () => actions.join(room.name),
    },
      h("span", { class: "directory-text" },
        h("span", { class: "directory-name" },
          h("span", { class: "hash", "aria-hidden": "true", text: "#" }),
          h("span", { class: "room-name", text: room.name })),
        room.topic?.text ? h("span", { class: "directory-topic", text: room.topic.text }) : null),
      h("span", { class: "count", "aria-hidden": "true", text: String(room.members) })))));
  if (!others.length) ul.append(h("li", { class: "empty", text: "No other rooms yet." }));
  if (actions.more) {
    ul.append(h("li", null, h("button", { type: "button", class: "link-button", text: "More rooms",
      onclick: actions.more })));
  }
}

/**
 * The people of the room: those in it (online), then those who were here this session (left or offline), each by
 * display name (`label`).
 */
export function renderPeople(ul, room, me, online, label, actions = {}) {
  if (!room) {
    replaceChildren(ul);
    return;
  }
  const here = [...room.members].sort();
  const gone = [...room.departed].filter((u) => !room.members.has(u)).sort();
  const item = (user, status, where) => h("li", { class: `person ${status}`, dataset: { user, status } },
    avatar(user, "small"),
    user !== me && actions.message
      ? h("button", { type: "button", class: "person-name person-button", title: `Message @${user}`, dir: "auto",
        "aria-label": `${label(user)}: send a direct message`, text: label(user), onclick: () => actions.message(user) })
      : h("span", { class: "person-name", dir: "auto", title: `@${user}`, text: label(user) }),
    user === me ? h("span", { class: "you", text: "(you)" }) : null,
    h("span", { class: "presence", title: where },
      h("span", { class: "dot", "aria-hidden": "true" }),
      // the green dot says it: the room's usual case leaves the name its room
      h("span", { class: status === "online" ? "presence-text visually-hidden" : "presence-text", text: where })));
  replaceChildren(ul,
    here.map((user) => item(user, "online", "online")),
    gone.map((user) => online.has(user) ? item(user, "away", "left the room") : item(user, "offline", "offline")));
}
