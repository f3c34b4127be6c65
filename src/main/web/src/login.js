// The sign-in screen: workspace (tenant), then username + password, or an access token for workspaces
// that sign in with their own identity provider (JWT). One form offers both.
import { h, replaceChildren, setText } from "./dom.js";
import { ApiError, login } from "./api.js";
import { isTenant, userFromToken } from "./names.js";
import { saveLastTenant } from "./storage.js";

/**
 * @param options {tenant, message, error}: the tenant to prefill, a message to show (info or error)
 * @param onSignedIn (session) → starts the chat
 */
export function showLogin(root, { tenant = "", message = "", error = false } = {}, onSignedIn) {
  const status = h("p", { id: "login-status", class: `form-status${error ? " error" : ""}`, role: "alert",
    hidden: !message, text: message });
  const tenantInput = h("input", { id: "tenant", name: "tenant", type: "text", required: true,
    autocomplete: "organization", spellcheck: "false", autocapitalize: "none", maxlength: "32",
    value: tenant, "aria-describedby": "tenant-hint" });
  const userInput = h("input", { id: "username", name: "username", type: "text", autocomplete: "username",
    spellcheck: "false", autocapitalize: "none", maxlength: "32" });
  const passwordInput = h("input", { id: "password", name: "password", type: "password",
    autocomplete: "current-password", maxlength: "1024" });
  const tokenInput = h("textarea", { id: "token", name: "token", rows: "3", spellcheck: "false",
    autocomplete: "off", "aria-describedby": "token-hint" });
  const tokenBox = h("details", { class: "token-box" },
    h("summary", { text: "Sign in with an access token instead" }),
    h("label", { for: "token", text: "Access token" }),
    tokenInput,
    h("p", { id: "token-hint", class: "hint",
      text: "For workspaces that use their own identity provider: paste the token it gave you. It is kept only in this tab." }));
  const rememberInput = h("input", { id: "remember", name: "remember", type: "checkbox", checked: true });
  const submit = h("button", { type: "submit", class: "primary", text: "Sign in" });

  const form = h("form", { class: "login-form", novalidate: true, "aria-describedby": "login-status" },
    h("h1", { text: "Sign in to chat" }),
    status,
    h("div", { class: "field" },
      h("label", { for: "tenant", text: "Workspace" }),
      tenantInput,
      h("p", { id: "tenant-hint", class: "hint", text: "Its short name, e.g. acme" })),
    h("div", { class: "field" }, h("label", { for: "username", text: "Username" }), userInput),
    h("div", { class: "field" }, h("label", { for: "password", text: "Password" }), passwordInput),
    h("div", { class: "field check" }, rememberInput,
      h("label", { for: "remember", text: "Keep me signed in on this browser" })),
    tokenBox,
    submit);

  replaceChildren(root, h("div", { class: "login" }, form));
  document.title = "Sign in · Chat";

  const say = (text, isError = true) => {
    status.hidden = !text;
    status.classList.toggle("error", isError);
    setText(status, text);
  };

  let lockedUntil = 0;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const t = tenantInput.value.trim().toLowerCase();
    const token = tokenInput.value.trim();
    const username = userInput.value.trim().toLowerCase();
    const password = passwordInput.value;
    if (!isTenant(t)) {
      say("Enter the workspace's short name: 3 to 32 characters, a-z, 0-9 and “-”, starting with a letter and not ending with “-”.");
      tenantInput.focus();
      return;
    }
    if (token && !username && !password) {
      const user = userFromToken(token) ?? "me";
      onSignedIn({ tenant: t, user, token, kind: "token" });
      return;
    }
    if (!username || !password) {
      say(token ? "Use either a username and password or a token, not both." : "Enter your username and password.");
      (username ? passwordInput : userInput).focus();
      return;
    }
    if (Date.now() < lockedUntil) {
      say(`Too many failed sign-in attempts. Try again in ${Math.ceil((lockedUntil - Date.now()) / 1000)} s.`);
      return;
    }
    submit.disabled = true;
    say("Signing in…", false);
    try {
      const answer = await login(t, username, password, rememberInput.checked);
      if (rememberInput.checked) saveLastTenant(t);
      onSignedIn({ tenant: t, user: answer.user, token: answer.token, kind: "password" });
    } catch (e) {
      const failure = e instanceof ApiError ? e : new ApiError(0, "error", "Sign-in failed. Try again.");
      say(failure.message);
      if (failure.status === 429 && failure.retryAfter) lockedUntil = Date.now() + failure.retryAfter * 1000;
      if (failure.code === "token_tenant") {
        tokenBox.open = true;
        tokenInput.focus();
      } else if (failure.status === 404) {
        tenantInput.focus();
      } else if (failure.status === 401) {
        passwordInput.select();
        passwordInput.focus();
      }
    } finally {
      submit.disabled = false;
    }
  });

  (tenant ? userInput : tenantInput).focus();
}
