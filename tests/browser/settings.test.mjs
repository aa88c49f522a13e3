// Settings in the dashboard: an API key created, used from outside the
// browser (curl-style fetch) and revoked; plan and usage; members invited,
// joining, and limited to their role. Also the /docs reference.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startApp, signUp, capture, email, PASSWORD } from "./support.mjs";

let app;
before(async () => {
  app = await startApp();
});
after(() => app?.close());

test("create an API key, use it with fetch, then revoke it", async () => {
  const page = await app.page();
  await signUp(page, email("keys"), PASSWORD);
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  await page.getByRole("heading", { name: "Settings", level: 1 }).waitFor();
  await page.getByText("is on the free plan").waitFor();
  await capture(page, "settings");

  await page.getByLabel("Name").fill("CI deploys");
  await page.getByRole("button", { name: "Create key" }).click();
  const secret = await page.locator("#new-key-secret").innerText();
  assert.match(secret, /^sl_live_[0-9A-Za-z]{32}$/);
  await capture(page, "settings-new-key");
  await page.getByRole("button", { name: "Copy key", exact: true }).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);

  // The key works from outside the browser, as curl would use it.
  const created = await fetch(`${app.origin}/v1/links`, {
    method: "POST",
    headers: { Authorization: `Bearer ${secret}`, "Content-Type": "application/json" },
    body: JSON.stringify({ url: "https://example.com/from-ci", slug: "from-ci" }),
  });
  assert.equal(created.status, 201);

  // Shown once: after "I have saved it" the secret is gone from the page.
  await page.getByRole("button", { name: "I have saved it" }).click();
  assert.equal(await page.locator("#new-key-secret").count(), 0);
  assert.equal(await page.getByText(secret).count(), 0);

  await page.getByRole("button", { name: "Revoke CI deploys" }).click();
  await page.getByRole("dialog", { name: "Revoke this key?" }).getByRole("button", { name: "Revoke key" }).click();
  await page.getByRole("cell", { name: /^Revoked/ }).waitFor();
  const refused = await fetch(`${app.origin}/v1/links`, { headers: { Authorization: `Bearer ${secret}` } });
  assert.equal(refused.status, 401);
  await page.context().close();
});

test("an owner invites a member, who joins and cannot manage keys or members", async () => {
  const owner = await app.page();
  await signUp(owner, email("boss"), PASSWORD, "Team Co");
  await owner.goto("/dashboard/settings#members");
  const invitee = email("invitee");
  await owner.getByLabel("Email", { exact: true }).fill(invitee);
  await owner.getByRole("button", { name: "Create invitation" }).click();
  const url = await owner.locator(".secret code").innerText();
  assert.match(url, new RegExp(`^${app.origin}/signup\\?invite=`));

  const member = await app.page();
  await member.goto(url);
  await member.getByRole("heading", { name: "Join Team Co" }).waitFor();
  assert.equal(await member.getByLabel("Email").inputValue(), invitee);
  await capture(member, "signup-invitation");
  await member.getByLabel("Password").fill(PASSWORD);
  await member.getByRole("button", { name: "Join" }).click();
  await member.getByRole("heading", { name: "Links", exact: true, level: 1 }).waitFor();
  await member.goto("/dashboard/settings");
  await member.getByText("Only the account's owners manage API keys.").waitFor();
  await capture(member, "settings-member");

  await owner.reload();
  await owner.getByRole("cell", { name: invitee, exact: true }).waitFor();
  await owner.context().close();
  await member.context().close();
});

test("/docs renders the API reference from openapi.json", async () => {
  const page = await app.page();
  await page.goto("/docs");
  await page.getByRole("heading", { name: /SmartLinks/ }).first().waitFor();
  await page.getByText("/v1/links").first().waitFor();
  await capture(page, "docs");
  assert.deepEqual(page.cspViolations, []);
  await page.context().close();
});

test("an unknown dashboard page says so", async () => {
  const page = await app.page();
  await page.goto("/dashboard/links/link_000000000000/nowhere");
  await page.getByRole("heading", { name: "Page not found" }).waitFor();
  await capture(page, "not-found");
  await page.context().close();
});
