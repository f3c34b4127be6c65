// "Change password": alice, signed in on a laptop and a phone, changes her password on the laptop (on the phone,
// Escape closes the dialog and not the drawer it was opened from). A wrong current
// password and two new ones that differ are refused in the dialog; once changed, the phone is signed out (its session
// ended) and the laptop stays connected and chats; the old password no longer signs in, the new one does. axe with the
// dialog open.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  assertAccessible, assertNoProblems, env, eventually, expectConnected, joinRoom, newPage, newTenant, send, sharedBrowser,
  signIn, TEST_TIMEOUT,
} from "./helpers.mjs";

const browser = sharedBrowser();
const NEW_PASSWORD = "a brand-new passphrase";

test("a user changes their password: other sessions end, this one stays", { timeout: TEST_TIMEOUT }, async () => {
  const tenant = await newTenant("pw", env.alice);
  const laptop = await newPage(browser());
  const phone = await newPage(browser(), { width: 390, height: 800 });
  try {
    await signIn(laptop, tenant, env.alice);
    await signIn(phone, tenant, env.alice);

    // at phone width the sidebar is a drawer: Escape closes the dialog opened from it, not the drawer too
    await phone.getByRole("button", { name: "Rooms", exact: true }).click();
    await phone.getByRole("button", { name: "Change password" }).click();
    const phoneDialog = phone.getByRole("dialog", { name: "Change your password" });
    await eventually(async () => assert.ok(await phoneDialog.isVisible()));
    await phone.keyboard.press("Escape");
    await eventually(async () => assert.equal(await phoneDialog.isVisible(), false));
    assert.equal(await phone.getByRole("button", { name: "Rooms", exact: true }).getAttribute("aria-expanded"), "true");
    assert.ok(await phone.getByRole("button", { name: "Change password" }).isVisible(), "focus returns to it");

    await laptop.getByRole("button", { name: "Change password" }).click();
    const dialog = laptop.getByRole("dialog", { name: "Change your password" });
    await eventually(async () => assert.ok(await dialog.isVisible()));
    await assertAccessible(laptop, "the password dialog");
    const status = dialog.locator(".password-status");

    await dialog.getByLabel("Current password").fill("not-her-password");
    await dialog.getByLabel("New password (at least 8 characters)").fill(NEW_PASSWORD);
    await dialog.getByLabel("New password again").fill(NEW_PASSWORD);
    await dialog.getByRole("button", { name: "Change password" }).click();
    await eventually(async () => assert.equal(await status.textContent(), "That is not your current password."));

    await dialog.getByLabel("Current password").fill(env.alice.password);
    await dialog.getByLabel("New password again").fill(`${NEW_PASSWORD}!`);
    await dialog.getByRole("button", { name: "Change password" }).click();
    await eventually(async () => assert.equal(await status.textContent(), "The two new passwords differ."));

    await dialog.getByLabel("New password again").fill(NEW_PASSWORD);
    await dialog.getByRole("button", { name: "Change password" }).click();
    await eventually(async () => assert.equal(await status.textContent(),
      "Password changed. Your other sessions have been signed out; this one stays."));
    assert.equal(await dialog.getByLabel("Current password").inputValue(), "", "nothing typed stays in the page");
    await laptop.keyboard.press("Escape");
    await eventually(async () => assert.equal(await dialog.isVisible(), false));

    // the phone's session ended: back at the sign-in form, told why
    await eventually(async () => assert.ok(await phone.getByLabel("Username").isVisible()), 15_000);
    assert.match(await phone.locator("#login-status").textContent(), /session has ended/);

    // the laptop stays connected and chats
    await expectConnected(laptop);
    await joinRoom(laptop, "general");
    await send(laptop, "general", "still here after the change");

    // the old password no longer signs in; the new one does
    await phone.getByLabel("Username").fill(env.alice.user);
    await phone.getByLabel("Password").fill(env.alice.password);
    await phone.getByRole("button", { name: "Sign in" }).click();
    await eventually(async () => assert.match(await phone.locator("#login-status").textContent(),
      /Wrong username or password/));
    await signIn(phone, tenant, { user: env.alice.user, password: NEW_PASSWORD });
    assertNoProblems(laptop, phone);
  } finally {
    await laptop.context().close();
    await phone.context().close();
  }
});
