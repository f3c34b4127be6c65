// Entry point: restores the session of this tab (token in sessionStorage), or the session this browser keeps for the
// workspace ("keep me signed in": a new tab, a restarted browser), or shows the sign-in screen.
import { ChatApp } from "./chat/app.js";
import { showLogin } from "./login.js";
import { tenantFromLocation } from "./names.js";
import { resume } from "./api.js";
import { clearSession, loadLastTenant, loadSession, saveSession } from "./storage.js";

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

async function resumeOrSignIn(tenant) {
  const kept = tenant ? await resume(tenant) : null;
  if (kept && typeof kept.token === "string" && typeof kept.user === "string") {
    startChat({ tenant, user: kept.user, token: kept.token, kind: "password" });
  } else {
    signIn({ tenant: tenant ?? "" });
  }
}

const urlTenant = tenantFromLocation();
const session = loadSession();
if (session && (!urlTenant || urlTenant === session.tenant)) {
  startChat(session);
} else {
  if (session) clearSession();
  // only where this browser signed in with "keep me signed in": elsewhere the form shows at once, no request first
  const kept = loadLastTenant();
  const tenant = urlTenant ?? kept;
  if (tenant && tenant === kept) resumeOrSignIn(tenant);
  else signIn({ tenant: tenant ?? "" });
}
