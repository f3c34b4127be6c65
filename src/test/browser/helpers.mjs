// Shared by the browser tests: the environment BrowserTest passes, Chromium, signing in, and waiting.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { after, before } from "node:test";
import { chromium } from "playwright-core";
import { io } from "socket.io-client";

function need(name) {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set (BrowserTest sets it)`);
  return value;
}

/** What BrowserTest provisioned, from the environment. */
export const env = {
  server: need("SERVER_URL"),
  admin: need("ADMIN_URL"),
  adminUser: need("ADMIN_USER"),
  adminPassword: need("ADMIN_PASSWORD"),
  control: process.env.CONTROL_URL ?? null,
  tenantA: need("TENANT_A"),
  tenantB: need("TENANT_B"),
  suspendedTenant: need("TENANT_SUSPENDED"),
  slowTenant: need("TENANT_SLOW"),
  jwtTenant: need("TENANT_JWT"),
  jwtIssuer: need("JWT_ISSUER"),
  jwtSecret: need("JWT_SECRET"),
  alice: { user: need("USER_ALICE"), password: need("PASSWORD_ALICE") },
  bob: { user: need("USER_BOB"), password: need("PASSWORD_BOB") },
  dave: { user: need("USER_DAVE"), password: need("PASSWORD_DAVE") },
  carol: { user: need("USER_CAROL"), password: need("PASSWORD_CAROL") },
  erin: { user: need("USER_ERIN"), password: need("PASSWORD_ERIN") },
  frank: { user: need("USER_FRANK"), password: need("PASSWORD_FRANK") },
};

export const WAIT_MS = 10_000;
/** node:test per-test timeout: generous, the machine is small and busy. */
export const TEST_TIMEOUT = 180_000;

const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--no-first-run", "--disable-sync"];

function chromiumPath() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  try {
    return execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("chromium is not installed (apt-get install chromium); BrowserTest installs it when run as root");
  }
}

/** One Chromium for a test file: launched before its tests and closed after them; call the result for it. */
export function sharedBrowser() {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });
  return () => browser;
}

export async function launch() {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, timeout: 60_000 });
}

/**
 * A new browser context (its own sessionStorage) and page; records page errors and dialogs, and fails
 * the test if any appears.
 */
export async function newPage(browser, { width = 1200, height = 800, ...options } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, ...options });
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  page.problems = [];
  page.dialogs = [];
  page.beforeUnloads = 0;
  page.on("pageerror", (error) => page.problems.push(`page error: ${error.message}`));
  page.on("dialog", async (dialog) => {
    if (dialog.type() === "beforeunload") {
      // "leave the page?" (something unsent): counted, and answered as a person who leaves anyway
      page.beforeUnloads += 1;
      await dialog.accept().catch(() => {});
      return;
    }
    page.dialogs.push(dialog.message());
    await dialog.dismiss().catch(() => {});
  });
  // Chromium's own lines for the network, not the page's: failed loads while the server is down, and "WebSocket is
  // already in CLOSING or CLOSED state", which it prints when engine.io-client writes to a socket the server is
  // closing before the browser fired "close" (the library catches the failure and reconnects; socketio/engine.io#380)
  page.on("console", (message) => {
    if (message.type() === "error" && !/Failed to load resource|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED|WebSocket connection|WebSocket is already in CLOSING or CLOSED state/.test(message.text())) {
      page.problems.push(`console error: ${message.text()}`);
    }
  });
  return page;
}

/** alice and bob signed in to the first tenant on pages of their own, both in a new room (named from `prefix`). */
export async function aliceAndBobInRoom(browser, prefix) {
  const room = uniqueRoom(prefix);
  const alice = await newPage(browser);
  const bob = await newPage(browser);
  await signIn(alice, env.tenantA, env.alice);
  await joinRoom(alice, room);
  await signIn(bob, env.tenantA, env.bob);
  await joinRoom(bob, room);
  return { room, alice, bob };
}

/** Opens the client at /t/{tenant} and signs in with username and password; waits for "Connected". */
export async function signIn(page, tenant, { user, password }) {
  await page.goto(`${env.server}/t/${tenant}`);
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expectConnected(page);
}

export async function expectConnected(page) {
  await eventually(async () => assert.equal(await connectionState(page), "connected"));
}

export async function connectionState(page) {
  return page.locator("#connection").getAttribute("data-state", { timeout: WAIT_MS });
}

/** Joins (or creates) a room with the sidebar's form; waits until it is in view and joined. */
export async function joinRoom(page, room) {
  await page.getByLabel("Join or create a room").fill(room);
  await page.getByLabel("Join or create a room").press("Enter");
  await eventually(async () => {
    assert.equal(await page.locator("#room-title").textContent(), `#${room}`);
    assert.doesNotMatch(await pane(page, room).locator(".edge-text").textContent(), /Joining/);
  });
}

/**
 * A badge of a room in the sidebar, as shown ("" when there is none): its unread count (`badge`) or its mentions of
 * me (`mention-badge`), the number without the words for screen readers.
 */
export async function roomBadge(page, room, kind = "badge") {
  const item = page.locator(`.room-list .room-item[data-room="${room}"] .${kind}`);
  return (await item.count()) ? (await item.locator("span:not(.visually-hidden):not([aria-hidden])").first().textContent()) : "";
}

/** The messages pane of a room. */
export function pane(page, room) {
  return page.locator(`.room-pane[data-room="${room}"]`);
}

/** Types a message into the composer and sends it with Enter. */
export async function send(page, room, text) {
  const input = page.getByLabel(`Message #${room}`);
  await input.fill(text);
  await input.press("Enter");
}

/** The texts of the stored messages shown in a room, in order. */
export async function messageTexts(page, room) {
  return pane(page, room).locator(".message-list:not(.outbox) .msg .msg-text").allTextContents();
}

/** The seqs of the messages shown in a room, in order. */
export async function messageSeqs(page, room) {
  return pane(page, room).locator(".message-list:not(.outbox) .msg")
    .evaluateAll((items) => items.map((li) => Number(li.dataset.seq)));
}

/** The people list of the room in view: {user: status}. */
export async function people(page) {
  const entries = await page.locator(".people-list .person")
    .evaluateAll((items) => items.map((li) => [li.dataset.user, li.dataset.status]));
  return Object.fromEntries(entries);
}

/**
 * Records every value the connection status element's data-state takes, from the page's first load on, into
 * `window.connectionStates` ({state, at}): call before the page is opened.
 */
export async function recordConnectionStates(page) {
  await page.addInitScript(() => {
    window.connectionStates = [];
    new MutationObserver((changes) => {
      for (const change of changes) {
        if (change.target.id === "connection") {
          window.connectionStates.push({ state: change.target.dataset.state, at: Date.now() });
        }
      }
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-state"] });
  });
}

/** The data-state values recorded by recordConnectionStates, in order. */
export async function connectionStates(page) {
  return page.evaluate(() => window.connectionStates.map((change) => change.state));
}

/** The messages of my own on their way in a room (pending or not sent), in order: [{text, state}]. */
export async function outboxEntries(page, room) {
  return pane(page, room).locator(".outbox .msg")
    .evaluateAll((items) => items.map((li) => ({ text: li.querySelector(".msg-text").textContent, state: li.dataset.state })));
}

/** Retries an async assertion until it passes or `timeout` ms went by; then throws its last error. */
export async function eventually(assertion, timeout = WAIT_MS, interval = 100) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  }
}

export function assertNoProblems(...pages) {
  for (const page of pages) {
    assert.deepEqual(page.problems, [], "errors in the page");
    assert.deepEqual(page.dialogs, [], "dialogs opened by the page");
  }
}

/** A unique room name per test run. */
export function uniqueRoom(prefix) {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
}

// --- outside the browser -------------------------------------------------------------------------------------

/** A call to the admin API. */
export async function admin(method, path, body) {
  const response = await fetch(env.admin + path, {
    method,
    headers: {
      Authorization: "Basic " + Buffer.from(`${env.adminUser}:${env.adminPassword}`).toString("base64"),
      ...(body ? { "Content-Type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`admin ${method} ${path}: HTTP ${response.status} ${await response.text()}`);
  return response;
}

export async function apiLogin(tenant, { user, password }) {
  const response = await fetch(`${env.server}/api/tenants/${tenant}/sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: user, password }),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

/** A Socket.IO client (node) signed in as `who`, for seeding messages; call .close() when done. */
export async function apiClient(tenant, who) {
  const { status, body } = await apiLogin(tenant, who);
  assert.equal(status, 201, "login for the seeding client");
  const socket = io(`${env.server}/${tenant}`, { auth: { token: body.token }, transports: ["websocket"], reconnection: false });
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  const request = (event, payload) => socket.timeout(WAIT_MS).emitWithAck(event, payload).then((ack) => {
    if (!ack?.ok) throw new Error(`${event}: ${JSON.stringify(ack)}`);
    return ack;
  });
  return {
    socket,
    request,
    async sendAll(room, texts) {
      await request("room:join", { room });
      const sent = [];
      for (const text of texts) sent.push((await request("message:send", { room, text })).message);
      return sent;
    },
    /** Like sendAll, but without waiting for each ack before the next send (their order is not kept). */
    async sendMany(room, texts, inFlight = 50) {
      await request("room:join", { room });
      for (let i = 0; i < texts.length; i += inFlight) {
        await Promise.all(texts.slice(i, i + inFlight).map((text) => request("message:send", { room, text })));
      }
    },
    close: () => socket.close(),
  };
}

/** Every message stored in a room, oldest first, paged with history:fetch by a client from apiClient. */
export async function storedMessages(client, room) {
  const pages = [];
  let before = null;
  for (;;) {
    const ack = await client.request("history:fetch", { room, limit: 100, ...(before === null ? {} : { before }) });
    pages.unshift(ack.messages);
    if (!ack.hasMore || !ack.messages.length) return pages.flat();
    before = ack.messages[0].seq;
  }
}

/** A tenant of its own for one test (password logins, default limits), with the given users (and display names). */
export async function newTenant(prefix, ...users) {
  const id = `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`.slice(0, 32);
  await admin("POST", "/admin/tenants", { id, auth: { type: "password" } });
  for (const { user, password, displayName } of users) {
    await admin("POST", `/admin/tenants/${id}/users`, { username: user, password, ...(displayName ? { displayName } : {}) });
  }
  return id;
}

/** An HS256 JWT for the jwt tenant. */
export function jwt(sub, { secret = env.jwtSecret, issuer = env.jwtIssuer, expiresIn = 3600 } = {}) {
  const part = (object) => Buffer.from(JSON.stringify(object)).toString("base64url");
  const head = part({ alg: "HS256", typ: "JWT" });
  const body = part({ sub, iss: issuer, exp: Math.floor(Date.now() / 1000) + expiresIn });
  const signature = createHmac("sha256", Buffer.from(secret, "utf8")).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${signature}`;
}

/** Asks BrowserTest to stop or start the server (same port, same tenants folder). */
export async function control(action) {
  if (!env.control) throw new Error("CONTROL_URL is not set: this test needs BrowserTest to restart the server");
  const response = await fetch(`${env.control}/${action}`, { method: "POST" });
  assert.equal(response.status, 200, `control ${action}: ${await response.text()}`);
}

// evaluated through the debugging protocol: the page's Content-Security-Policy (script-src 'self') stays as it is
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe on the whole page: no serious or critical violation. */
export async function assertAccessible(page, what) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
  assert.deepEqual(violations, [], `axe, ${what}`);
}
