// Tenants are separate worlds: nothing of tenant A reaches a user of tenant B, even with the same room names.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  apiLogin, assertNoProblems, env, eventually, joinRoom, messageTexts, newPage, pane, people, send, sharedBrowser,
  signIn, TEST_TIMEOUT, uniqueRoom,
} from "./helpers.mjs";

const browser = sharedBrowser();

test("a user of tenant B never sees anything of tenant A", { timeout: TEST_TIMEOUT }, async () => {
  const room = uniqueRoom("shared-name");
  const secret = `acme-only secret ${Date.now()}`;
  const alice = await newPage(browser());
  const carol = await newPage(browser());
  await signIn(alice, env.tenantA, env.alice);
  await signIn(carol, env.tenantB, env.carol);
  await joinRoom(alice, room);
  await joinRoom(carol, room);

  await send(alice, room, secret);
  await send(carol, room, "globex message");
  // in the room's pane: a signed-in user's other rooms (remembered by the server) have messages of their own
  await eventually(async () => assert.equal(await pane(alice, room).locator('.msg[data-state="sent"]').count(), 1));
  await eventually(async () => assert.equal(await pane(carol, room).locator('.msg[data-state="sent"]').count(), 1));
  // typing in A is not seen in B either
  await alice.getByLabel(`Message #${room}`).pressSequentially("typing in acme", { delay: 20 });
  await carol.waitForTimeout(1000);

  assert.deepEqual(await messageTexts(carol, room), ["globex message"]);
  assert.deepEqual(await messageTexts(alice, room), [secret]);
  assert.deepEqual(await people(carol), { [env.carol.user]: "online" });
  assert.equal(await carol.locator(".typing").textContent(), "");
  // the active rooms of B list only B's rooms; nothing of A's anywhere in B's page
  await carol.getByRole("button", { name: "Refresh the room directory" }).click();
  await carol.waitForTimeout(500);
  const everything = await carol.evaluate(() => document.body.innerText);
  assert.doesNotMatch(everything, new RegExp(secret));
  assert.doesNotMatch(everything, new RegExp(`\\b${env.alice.user}\\b`));

  // A's token does not open B: the page asks to sign in again and shows nothing of A
  const token = (await apiLogin(env.tenantA, env.alice)).body.token;
  const intruder = await newPage(browser());
  await intruder.goto(`${env.server}/t/${env.tenantB}`);
  await intruder.evaluate(([tenant, t]) => sessionStorage.setItem("chat.session",
    JSON.stringify({ tenant, user: "alice", token: t, kind: "password" })), [env.tenantB, token]);
  await intruder.reload();
  await eventually(async () => assert.match(await intruder.locator("#login-status").textContent(), /session has ended/));
  assert.equal(await intruder.evaluate(() => sessionStorage.getItem("chat.session")), null);
  assert.doesNotMatch(await intruder.evaluate(() => document.body.innerText), new RegExp(secret));

  assertNoProblems(alice, carol, intruder);
  for (const page of [alice, carol, intruder]) await page.context().close();
});
