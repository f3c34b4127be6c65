// "Change password": a modal dialog asking for the current password and the new one twice. On success the server
// has ended the user's other sessions (other browsers, other devices); this one stays. Only for users who signed in
// with a password (a workspace's identity provider owns the others' passwords).
import { h, setText } from "../dom.js";
import { changePassword } from "../api.js";

const MIN = 8;
const MAX = 1024;

export class PasswordDialog {
  /**
   * @param tenant, token, me  the session
   * @param sessionEnded (message) → the app signs out (the server said this session is over)
   */
  constructor({ tenant, token, me, sessionEnded }) {
    this.tenant = tenant;
    this.token = token;
    this.sessionEnded = sessionEnded;
    this.button = h("button", { type: "button", class: "link-button password-open", text: "Change password",
      onclick: () => this.show() });
    const field = (id, label, autocomplete) => {
      const input = h("input", { id, name: id, type: "password", autocomplete, maxlength: String(MAX),
        required: true, spellcheck: "false" });
      return [h("label", { for: id, text: label }), input];
    };
    const [currentLabel, current] = field("password-current", "Current password", "current-password");
    const [nextLabel, next] = field("password-new", "New password (at least 8 characters)", "new-password");
    const [againLabel, again] = field("password-again", "New password again", "new-password");
    Object.assign(this, { current, next, again });
    this.status = h("p", { class: "password-status", role: "status", "aria-live": "polite" });
    this.submit = h("button", { type: "submit", class: "primary", text: "Change password" });
    this.form = h("form", { method: "dialog", novalidate: true, onsubmit: (event) => this.onSubmit(event) },
      // for password managers: whose password this is
      h("input", { type: "text", name: "username", autocomplete: "username", value: me, hidden: true, readOnly: true }),
      currentLabel, current, nextLabel, next, againLabel, again,
      h("p", { class: "hint", text: "Your other sessions (other browsers and devices) will be signed out." }),
      this.status,
      h("div", { class: "row" }, this.submit,
        h("button", { type: "button", class: "link-button", text: "Cancel", onclick: () => this.el.close() })));
    this.el = h("dialog", { class: "switcher password-dialog", "aria-labelledby": "password-title",
      onclose: () => this.closed() },
    h("h2", { id: "password-title", text: "Change your password" }), this.form);
  }

  show() {
    if (this.el.open) return;
    this.returnFocus = document.activeElement;
    // a change still under way, or one that ended while the dialog was closed, keeps saying how it went
    if (!this.pending && !this.unseen) {
      this.form.reset();
      this.say("");
    }
    this.unseen = false;
    this.el.showModal();
    this.current.focus();
  }

  closed() {
    // nothing typed stays in the page (a change under way has its values already)
    this.form.reset();
    if (this.returnFocus?.isConnected) this.returnFocus.focus();
    this.returnFocus = null;
  }

  say(text, error = false) {
    setText(this.status, text);
    this.status.classList.toggle("error", error);
    if (text && !this.el.open) this.unseen = true;
  }

  async onSubmit(event) {
    event.preventDefault();
    if (this.submit.disabled) return;
    const current = this.current.value;
    const next = this.next.value;
    if (!current) return this.refuse("Enter your current password.", this.current);
    if (next.length < MIN || next.length > MAX) return this.refuse("The new password needs 8 to 1024 characters.", this.next);
    if (next !== this.again.value) return this.refuse("The two new passwords differ.", this.again);
    if (next === current) return this.refuse("That is your current password: choose another.", this.next);
    this.submit.disabled = true;
    this.pending = true;
    this.say("Changing…");
    try {
      await changePassword(this.tenant, this.token, current, next);
    } catch (error) {
      this.pending = false;
      this.submit.disabled = false;
      if (error.status === 401) {
        this.el.close();
        this.sessionEnded(error.message);
        return;
      }
      return this.refuse(error.message, error.status === 403 ? this.current : null);
    }
    this.pending = false;
    this.form.reset();
    this.submit.disabled = false;
    this.say("Password changed. Your other sessions have been signed out; this one stays.");
  }

  refuse(text, field) {
    this.say(text, true);
    field?.focus();
  }
}
