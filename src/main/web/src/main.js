// Entry point: restores the session of this tab (token in sessionStorage) or shows the sign-in screen.
import { ChatApp } from "./chat/app.js";
import { showLogin } from "./login.js";
import { tenantFromLocation } from "./names.js";
import { clearSession, loadSession, saveSession } from "./storage.js";

const root = document.getElementById("app");

function signIn(options) {
  showLogin(root, options, startChat);
}

function startChat(session) {
  saveSession(session);
  const path = `/t/${session.tenant}`;
  if (window.location.pathname !== path || window.location.search) history.replaceState(null, "", path);
  const app = new ChatApp(root, session, (message, tenant, error) => signIn({ tenant, message, error }));
  app.start();
}

const urlTenant = tenantFromLocation();
const session = loadSession();
if (session && (!urlTenant || urlTenant === session.tenant)) {
  startChat(session);
} else {
  if (session) clearSession();
  signIn({ tenant: urlTenant ?? "" });
}
