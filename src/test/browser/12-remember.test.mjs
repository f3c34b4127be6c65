// "Keep me signed in": a new tab and a restarted browser are signed in without the form, until logout; unticked, the
// session stays in its tab.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  assertNoProblems, env, expectConnected, newPage, sharedBrowser, TEST_TIMEOUT,
} from "./helpers.mjs";

const browser = sharedBrowser();

async function signInWith(page, { user, password }, keep) {
  await page.goto(`${env.server}/t/${env.tenantA}`);
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill(password);
  const box = page.getByLabel("Keep me signed in on this browser");
  assert.equal(await box.isChecked(), true, "ticked unless the person unticks it");
  if (!keep) await box.uncheck();
  await page.getByRole("button", { name: "Sign in" }).click();
  await expectConnected(page);
}

test("a second tab and a browser restart are signed in; logout ends it everywhere", { timeout: TEST_TIMEOUT }, async () => {
  const first = await newPage(browser());
  await signInWith(first, env.alice, true);
  const context = first.context();

  // another tab of the same browser, at the workspace's URL and at "/"
  const second = await context.newPage();
  second.problems = [];
  second.dialogs = [];
  await second.goto(`${env.server}/t/${env.tenantA}`);
  await expectConnected(second);
  const third = await context.newPage();
  third.problems = [];
  third.dialogs = [];
  await third.goto(`${env.server}/`);
  await expectConnected(third);
  await third.close();

  // a browser restart keeps persistent cookies and localStorage: a new context with the same state
  const state = await context.storageState();
  const restarted = await newPage(browser(), { storageState: state });
  await restarted.goto(`${env.server}/`);
  await expectConnected(restarted);

  await first.getByRole("button", { name: "Log out" }).click();
  await first.getByLabel("Username").waitFor();
  // the other tab's session was the same one: it is signed out too
  await second.getByLabel("Username").waitFor();
  await second.reload();
  await second.getByLabel("Username").waitFor();
  assertNoProblems(first, second);
  await context.close();
  await restarted.context().close();
});

test("unticked, a new tab asks to sign in", { timeout: TEST_TIMEOUT }, async () => {
  const first = await newPage(browser());
  await signInWith(first, env.bob, false);
  const second = await first.context().newPage();
  await second.goto(`${env.server}/t/${env.tenantA}`);
  await second.getByLabel("Username").waitFor();
  assert.equal(await second.locator("#connection").count(), 0);
  assertNoProblems(first);
  await first.context().close();
});
