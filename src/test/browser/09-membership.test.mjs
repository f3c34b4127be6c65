// Rooms that last: joined on one device, there on another and after a reload until left anywhere; the room
// directory with topics; the topic line the members edit. Two people, three browser contexts (devices).
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  assertAccessible, assertNoProblems, env, eventually, expectConnected, joinRoom, newPage, sharedBrowser, signIn,
  TEST_TIMEOUT, uniqueRoom,
} from "./helpers.mjs";

const browser = sharedBrowser();

async function roomNames(page) {
  return page.locator(".room-list .room-item").evaluateAll((items) => items.map((li) => li.dataset.room));
}

async function topicLine(page) {
  return page.locator("#room-topic").textContent();
}

test("rooms joined on one device are on the others, with their topic, until left anywhere", { timeout: TEST_TIMEOUT }, async () => {
  const room = uniqueRoom("lasting");
  const laptop = await newPage(browser());
  await signIn(laptop, env.tenantA, env.erin);
  await joinRoom(laptop, room);
  assert.equal(await topicLine(laptop), "No topic yet");

  // the topic, set from the room header
  await laptop.getByRole("button", { name: `Edit the topic of #${room}` }).click();
  await laptop.getByLabel(`Topic of #${room}`, { exact: true }).fill("Plans for the launch 🚀");
  await assertAccessible(laptop, "topic form open");
  await laptop.getByRole("button", { name: "Save topic" }).click();
  await eventually(async () => assert.equal(await topicLine(laptop), "Plans for the launch 🚀"));

  // another device, a sign-in of its own (nothing in its storage): the room is there, with its topic
  const phone = await newPage(browser(), { width: 390, height: 800 });
  await signIn(phone, env.tenantA, env.erin);
  await eventually(async () => assert.ok((await roomNames(phone)).includes(room), "the room is remembered"));
  await phone.getByRole("button", { name: "Rooms" }).click();
  await phone.locator(`.room-list .room-item[data-room="${room}"] .room-button`).click();
  await eventually(async () => assert.equal(await phone.locator("#room-title").textContent(), `#${room}`));
  await eventually(async () => assert.equal(await topicLine(phone), "Plans for the launch 🚀"));
  await assertAccessible(phone, "phone width");

  // a reload keeps it too
  await phone.reload();
  await expectConnected(phone);
  await eventually(async () => assert.ok((await roomNames(phone)).includes(room)));

  // frank finds it in the directory, with its topic and one member, and joins it
  const frank = await newPage(browser());
  await signIn(frank, env.tenantA, env.frank);
  await frank.getByRole("button", { name: "Refresh the room directory" }).click();
  const entry = frank.getByRole("button", { name: new RegExp(`^Join #${room} \\(1 person\\)$`) });
  await eventually(async () => assert.equal(await entry.locator(".directory-topic").textContent(), "Plans for the launch 🚀"));
  await assertAccessible(frank, "directory");
  await entry.click();
  await eventually(async () => assert.equal(await frank.locator("#room-title").textContent(), `#${room}`));
  await eventually(async () => assert.equal(await topicLine(frank), "Plans for the launch 🚀"));

  // frank changes the topic: erin's devices see it at once
  await frank.getByRole("button", { name: `Edit the topic of #${room}` }).click();
  await frank.getByLabel(`Topic of #${room}`, { exact: true }).fill("Launch moved to Monday");
  await frank.getByLabel(`Topic of #${room}`, { exact: true }).press("Enter");
  await eventually(async () => assert.equal(await topicLine(laptop), "Launch moved to Monday"));
  await eventually(async () => assert.equal(await topicLine(phone), "Launch moved to Monday"));

  // a tab that is closed while erin leaves elsewhere: opened again, it must not bring the room back from its storage
  const desk = await newPage(browser());
  await signIn(desk, env.tenantA, env.erin);
  await eventually(async () => assert.ok((await roomNames(desk)).includes(room)));
  const deskUrl = desk.url();
  await desk.goto("about:blank");

  // erin leaves on the laptop: the phone drops the room too, and a new sign-in does not bring it back
  await laptop.getByRole("button", { name: `Leave #${room}` }).click();
  await eventually(async () => assert.ok(!(await roomNames(phone)).includes(room), "left on the phone too"));
  const tablet = await newPage(browser());
  await signIn(tablet, env.tenantA, env.erin);
  await tablet.waitForTimeout(1000);
  assert.ok(!(await roomNames(tablet)).includes(room), "not remembered any more");
  await desk.goto(deskUrl);
  await expectConnected(desk);
  await desk.waitForTimeout(1000);
  assert.ok(!(await roomNames(desk)).includes(room), "the tab opened again does not join it back");

  assertNoProblems(laptop, phone, frank, tablet, desk);
  for (const page of [laptop, phone, frank, tablet, desk]) await page.context().close();
});
