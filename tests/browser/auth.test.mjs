// Signing up, out and in through the dashboard in headless Chromium; a wrong
// password; an expired session.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startApp, signUp, signIn, capture, email, PASSWORD } from "./support.mjs";

let app;
before(async () => {
  app = await startApp();
});
after(() => app?.close());

test("a visitor at / sees the sign-in page with a link to sign up", async () => {
  const page = await app.page();
  await page.goto("/");
  await page.getByRole("heading", { name: "Sign in to SmartLinks" }).waitFor();
  assert.equal(await page.getByRole("link", { name: "Create an account" }).getAttribute("href"), "/signup");
  await capture(page, "signin");
  await page.getByRole("link", { name: "Create an account" }).click();
  await page.getByRole("heading", { name: "Create your SmartLinks account" }).waitFor();
  await capture(page, "signup");
  assert.deepEqual(page.cspViolations, []);
  await page.context().close();
});

test("sign up lands on the empty links page, sign out returns to sign-in, sign in comes back", async () => {
  const page = await app.page();
  const me = email("owner");
  await signUp(page, me, PASSWORD, "Acme Marketing");
  await page.getByText("No links yet.").waitFor();
  assert.match(await page.locator("header").innerText(), new RegExp(me.replace(/[.+]/g, "\\$&")));
  await capture(page, "links-empty");

  // The session is an HttpOnly cookie: scripts cannot read it.
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name.endsWith("sl_session"));
  assert.ok(session, `no session cookie among ${cookies.map((c) => c.name)}`);
  assert.equal(session.httpOnly, true);
  assert.ok(["Lax", "Strict"].includes(session.sameSite));
  assert.equal(await page.evaluate(() => document.cookie.includes("sl_session")), false);

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in to SmartLinks" }).waitFor();
  assert.equal(new URL(page.url()).pathname, "/signin");
  // Signed out for the server too: the old cookie no longer authenticates.
  const res = await page.request.get("/v1/auth/session");
  assert.equal(res.status(), 401);

  await signIn(page, me, PASSWORD);
  assert.equal(new URL(page.url()).pathname, "/");
  await page.getByText("No links yet.").waitFor();
  await page.context().close();
});

test("a wrong password is refused with a message, and the page stays on sign-in", async () => {
  const page = await app.page();
  const me = email("wrong");
  await signUp(page, me, PASSWORD);
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in to SmartLinks" }).waitFor();

  await page.getByLabel("Email").fill(me);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  const alert = page.getByRole("alert").filter({ hasText: "Email or password is wrong" });
  await alert.waitFor();
  await capture(page, "signin-wrong-password");
  assert.equal((await page.request.get("/v1/auth/session")).status(), 401);
  await page.context().close();
});

test("an expired session sends the person back to sign in, with a message", async () => {
  const page = await app.page();
  const me = email("expired");
  await signUp(page, me, PASSWORD);
  // Expire every session of this person in D1, as time would.
  const db = await app.worker.d1();
  await db
    .prepare("UPDATE sessions SET expires_at = ?1 WHERE member_id = (SELECT id FROM members WHERE email = ?2)")
    .bind(Date.now() - 1000, me)
    .run();

  // The page still shows links until it next asks the API; that request is
  // refused. (Followed from the keyboard: the link vanishes as the page
  // changes, which a pointer click's retries would trip over.)
  await page.getByRole("link", { name: "Settings", exact: true }).focus();
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "Sign in to SmartLinks" }).waitFor();
  await page.getByRole("alert").filter({ hasText: "Your session has ended" }).waitFor();
  await capture(page, "signin-session-ended");

  // Signing in again continues on the page the person was on.
  await page.getByLabel("Email").fill(me);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Settings", level: 1 }).waitFor();
  await page.context().close();
});
