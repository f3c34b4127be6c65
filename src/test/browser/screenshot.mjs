// Drives a short, real conversation through the web client and saves alice's view as a PNG.
// Run by scripts/screenshot, which starts the server and provisions the tenant and its users.
import { execFileSync } from "node:child_process";
import { chromium } from "playwright-core";

const server = process.env.SERVER_URL;
const tenant = process.env.SCREENSHOT_TENANT ?? "acme";
const out = process.env.SCREENSHOT_OUT;
const suffix = process.env.SCREENSHOT_PASSWORD_SUFFIX;
if (!server || !out || !suffix) throw new Error("run through scripts/screenshot");

const executablePath = process.env.CHROMIUM ?? execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim();
const browser = await chromium.launch({
  executablePath,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync"],
});
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function open(user, viewport = { width: 1280, height: 760 }) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  await page.goto(`${server}/t/${tenant}`);
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill(user + suffix);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator('#connection[data-state="connected"]').waitFor();
  return page;
}

async function join(page, room) {
  await page.getByLabel("Join or create a room").fill(room);
  await page.getByLabel("Join or create a room").press("Enter");
  await page.locator(`.room-pane[data-room="${room}"] .edge-text`).filter({ hasNotText: "Joining" }).waitFor();
}

async function say(page, room, text) {
  if ((await page.locator("#room-title").textContent()) !== `#${room}`) {
    await page.locator(`.room-item[data-room="${room}"] .room-button`).click();
  }
  const before = await page.locator(`.room-pane[data-room="${room}"] .msg[data-state="sent"]`).count();
  await page.getByLabel(`Message #${room}`).fill(text);
  await page.getByLabel(`Message #${room}`).press("Enter");
  await page.locator(`.room-pane[data-room="${room}"] .msg[data-state="sent"]`).nth(before).waitFor();
  await pause(150);
}

const room = "launch";
const alice = await open("alice");
const bob = await open("bob");
const carol = await open("carol");
const dave = await open("dave");
for (const page of [alice, bob, carol, dave]) await join(page, room);
for (const page of [alice, carol]) await join(page, "general");
await alice.locator(`.room-item[data-room="${room}"] .room-button`).click();
await carol.locator(`.room-item[data-room="${room}"] .room-button`).click();

async function react(page, room, nth, emoji) {
  const message = page.locator(`.room-pane[data-room="${room}"] .message-list:not(.outbox) .msg`).nth(nth);
  await message.hover();
  await message.getByRole("button", { name: "Add a reaction" }).click();
  await message.getByRole("button", { name: `React with ${emoji}` }).click();
  await message.locator(".reaction", { hasText: emoji }).waitFor();
}

await alice.getByRole("button", { name: `Edit the topic of #${room}` }).click();
await alice.getByLabel(`Topic of #${room}`, { exact: true }).fill("Release 2.4: checklist, staging, smoke tests");
await alice.getByRole("button", { name: "Save topic" }).click();
await say(bob, room, "Morning! Is the release checklist up to date?");
await say(alice, room, "Almost: I'm adding the rollbak steps now.");
// alice fixes her typo: the Edit button puts the text back in the composer
{
  const mine = alice.locator(`.room-pane[data-room="${room}"] .message-list:not(.outbox) .msg`).nth(1);
  await mine.hover();
  await mine.getByRole("button", { name: "Edit this message" }).click();
  await alice.getByLabel(`Message #${room}`).fill("Almost: I'm adding the **rollback** steps now.");
  await alice.getByLabel(`Message #${room}`).press("Enter");
  await mine.locator(".msg-edited").waitFor();
}
await say(carol, room, "Staging deploy is green. All 214 tests passed with `scripts/test`.");
await react(bob, room, 2, "🎉");
await react(alice, room, 2, "🎉");
await say(dave, room, "I have to run, ping me if the smoke test fails.");
await dave.context().close();
await say(bob, room, "Great. Who announces it in #general?");
await say(alice, room, "I will, right after the smoke test on production.\nChecklist: https://wiki.acme.example/release-2.4");
await say(carol, room, "@alice p99 commit latency on the dashboard: 4 ms");
await say(carol, "general", "Lunch at 12:30, anyone?");
await say(carol, "general", "The new coffee machine has arrived!");

const admin = process.env.CHAT_ADMIN_URL;
if (admin) {
  await fetch(`${admin}/admin/tenants/${tenant}/announcements`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Authorization: "Basic " + Buffer.from(`${process.env.CHAT_ADMIN_USER}:${process.env.CHAT_ADMIN_PASSWORD}`).toString("base64"),
    },
    body: JSON.stringify({ text: "Release 2.4 ships today at 16:00. Please hold merges to main until then." }),
  });
  await alice.locator(".announcement").waitFor();
}

// bob writes to alice apart, from the people list: her sidebar shows the conversation, unread
await bob.getByRole("button", { name: "Alice Martin: send a direct message" }).click();
await bob.locator("#room-title", { hasText: "Alice Martin" }).waitFor();
await bob.getByLabel("Message Alice Martin").fill("Can you look at my PR before 16:00? Two lines in the deploy script.");
await bob.getByLabel("Message Alice Martin").press("Enter");
await alice.locator('.room-item[data-dm] .badge').waitFor();
await bob.locator(`.room-item[data-room="${room}"] .room-button`).click();

// bob starts typing: alice sees it
await bob.getByLabel(`Message #${room}`).pressSequentially("Nice work every", { delay: 40 });
await alice.locator(".typing").filter({ hasText: "Bob Okafor is typing" }).waitFor();
await alice.getByLabel(`Message #${room}`).fill("");
await alice.evaluate(() => document.activeElement?.blur());
await alice.mouse.move(1270, 750);
await alice.screenshot({ path: out });
await browser.close();
