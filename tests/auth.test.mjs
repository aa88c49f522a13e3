// The dashboard's people and sessions (issue 13): sign-up, sign-in and
// sign-out over /v1/auth, the session cookie as a second way into /v1 with
// its CSRF rule, failed sign-ins limited per account and per client,
// invitations, and owner/member roles.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { startWorker, ADMIN_TOKEN } from "./support/worker.mjs";
import { inOneWindow, ATTEMPT_WINDOW } from "./support/windows.mjs";

const PASSWORD = "correct horse battery staple";
const COOKIE = "__Host-sl_session";

let worker;
before(async () => {
  worker = await startWorker();
});
after(() => worker?.dispose());

let clients = 0;
/** A client address of its own per call, so the per-client limits of one test never touch another's. */
const clientIp = () => `198.51.100.${++clients}`;
let people = 0;
const email = (name = "person") => `${name}.${++people}@example.com`;

/** A request as a browser on our own pages sends it, with the session's cookie and CSRF token. */
function asBrowser(session, headers = {}) {
  return {
    Cookie: `${COOKIE}=${session.token}`,
    ...(session.csrfToken ? { "X-CSRF-Token": session.csrfToken } : {}),
    "Sec-Fetch-Site": "same-origin",
    "CF-Connecting-IP": session.ip,
    ...headers,
  };
}

/** `{token, csrfToken, body, ip}` of a response that signed someone in. */
function sessionOf(res, ip) {
  const cookie = res.headers.get("set-cookie");
  assert.ok(cookie, `no Set-Cookie on ${res.status} ${res.text}`);
  const token = cookie.match(new RegExp(`^${COOKIE}=([0-9A-Za-z]{32});`))?.[1];
  assert.ok(token, cookie);
  return { token, csrfToken: res.json.csrfToken, body: res.json, ip };
}

async function signUp(body, ip = clientIp()) {
  return worker.api("POST", "/v1/auth/signup", { body, headers: { "CF-Connecting-IP": ip } });
}

async function signedUp(name = "owner", extra = {}) {
  const ip = clientIp();
  const address = email(name);
  const res = await signUp({ email: address, password: PASSWORD, ...extra }, ip);
  assert.equal(res.status, 201, res.text);
  return { ...sessionOf(res, ip), email: address };
}

const signIn = (address, password, ip = clientIp()) =>
  worker.api("POST", "/v1/auth/signin", { body: { email: address, password }, headers: { "CF-Connecting-IP": ip } });

function assertError(res, status, code, message) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.json.error.code, code);
  if (message instanceof RegExp) assert.match(res.json.error.message, message);
  else if (message !== undefined) assert.equal(res.json.error.message, message);
}

test("GET /v1/auth/config says whether anyone may sign up", async () => {
  const res = await worker.api("GET", "/v1/auth/config");
  assert.equal(res.status, 200);
  assert.deepEqual(res.json, { signup: true });
});

test("sign-up creates a free account with the person as owner, signed in by an HttpOnly SameSite=Strict cookie", async () => {
  const ip = clientIp();
  const res = await signUp({ email: "  Ada@Example.COM ", password: PASSWORD, accountName: "Analytical Engines" }, ip);
  assert.equal(res.status, 201, res.text);
  const cookie = res.headers.get("set-cookie");
  assert.match(cookie, /^__Host-sl_session=[0-9A-Za-z]{32}; Path=\/; Max-Age=1209600; HttpOnly; SameSite=Strict; Secure$/);
  assert.equal(res.json.member.email, "ada@example.com");
  assert.equal(res.json.member.role, "owner");
  assert.deepEqual(Object.keys(res.json.account).sort(), ["id", "name", "plan"]);
  assert.equal(res.json.account.name, "Analytical Engines");
  assert.equal(res.json.account.plan, "free");
  assert.match(res.json.csrfToken, /^[0-9a-f]{32}$/);
  const expires = Date.parse(res.json.session.expiresAt) - Date.parse(res.json.session.createdAt);
  assert.equal(expires, 14 * 24 * 3600 * 1000);

  const session = sessionOf(res, ip);
  const current = await worker.api("GET", "/v1/auth/session", { headers: asBrowser(session) });
  assert.equal(current.status, 200);
  assert.deepEqual(current.json, res.json);
  const account = await worker.api("GET", "/v1/account", { headers: asBrowser(session) });
  assert.equal(account.status, 200);
  assert.equal(account.json.id, res.json.account.id);
});

test("passwords are stored as PBKDF2 (100,000 iterations) and session tokens only as hashes", async () => {
  const session = await signedUp("stored");
  const db = await worker.d1();
  const member = await db.prepare("SELECT password_hash FROM members WHERE email = ?").bind(session.email).first();
  assert.match(member.password_hash, /^pbkdf2-sha256\$100000\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  assert.ok(!member.password_hash.includes(PASSWORD));
  const rows = await db.prepare("SELECT * FROM sessions").all();
  assert.ok(rows.results.length > 0);
  assert.ok(!JSON.stringify(rows.results).includes(session.token));
});

test("a sign-up with a taken email is 409 conflict, whatever its case", async () => {
  const session = await signedUp("taken");
  const res = await signUp({ email: session.email.toUpperCase(), password: PASSWORD });
  assertError(res, 409, "conflict", `${session.email} already has a SmartLinks account; sign in instead`);
});

test("sign-up validates email, password and fields by name", async () => {
  assertError(await signUp({ email: "not-an-email", password: PASSWORD }), 400, "validation_error");
  assert.equal((await signUp({ email: "not-an-email", password: PASSWORD })).json.error.field, "email");
  const short = await signUp({ email: email(), password: "short" });
  assertError(short, 400, "validation_error", "`password` must be 10 to 256 characters (got 5)");
  assert.equal(short.json.error.field, "password");
  const unknown = await signUp({ email: email(), password: PASSWORD, plan: "pro" });
  assert.equal(unknown.json.error.field, "plan");
});

test("another site cannot sign anyone in or up (login CSRF)", async () => {
  const session = await signedUp("targeted");
  const headers = { "CF-Connecting-IP": clientIp(), Origin: "https://evil.example" };
  const signin = await worker.api("POST", "/v1/auth/signin", { body: { email: session.email, password: PASSWORD }, headers });
  assertError(signin, 403, "forbidden", "cross-site requests cannot sign in or use the dashboard's session");
  assert.equal(signin.headers.get("set-cookie"), null);
  const signup = await worker.api("POST", "/v1/auth/signup", {
    body: { email: email(), password: PASSWORD },
    headers: { ...headers, "Sec-Fetch-Site": "cross-site" },
  });
  assertError(signup, 403, "forbidden");
});

test("sign-in answers the session and a new cookie; a wrong password or unknown email get the same 401", async () => {
  const session = await signedUp("signin");
  const res = await signIn(session.email, PASSWORD);
  assert.equal(res.status, 200, res.text);
  const again = sessionOf(res);
  assert.notEqual(again.token, session.token);
  assert.equal(res.json.member.email, session.email);

  const wrong = await signIn(session.email, "not the password");
  assertError(wrong, 401, "unauthorized", "email or password is wrong");
  assert.equal(wrong.headers.get("set-cookie"), null);
  const unknown = await signIn(email("nobody"), "not the password");
  assertError(unknown, 401, "unauthorized", "email or password is wrong");
});

test("after 5 wrong passwords for an email, its sign-ins get 429 with Retry-After, from any client", async () => {
  await inOneWindow(ATTEMPT_WINDOW);
  const session = await signedUp("guessed");
  for (let i = 0; i < 5; i++) assert.equal((await signIn(session.email, `guess ${i}`)).status, 401);
  const refused = await signIn(session.email, PASSWORD);
  assertError(refused, 429, "rate_limited", /too many failed sign-ins for this email/);
  const retry = Number(refused.headers.get("retry-after"));
  assert.ok(retry >= 1 && retry <= 900, `Retry-After ${retry}`);
  // Other people are unaffected.
  const other = await signedUp("bystander");
  assert.equal((await signIn(other.email, PASSWORD)).status, 200);
});

test("a successful sign-in clears its email's failures", async () => {
  const session = await signedUp("forgetful");
  for (let i = 0; i < 4; i++) assert.equal((await signIn(session.email, `guess ${i}`)).status, 401);
  assert.equal((await signIn(session.email, PASSWORD)).status, 200);
  for (let i = 0; i < 4; i++) assert.equal((await signIn(session.email, `guess ${i}`)).status, 401);
  assert.equal((await signIn(session.email, PASSWORD)).status, 200);
});

test("after 20 wrong passwords from one client, over any emails, that client gets 429; others do not", async () => {
  await inOneWindow(ATTEMPT_WINDOW);
  const ip = clientIp();
  for (let i = 0; i < 20; i++) assert.equal((await signIn(email("sprayed"), "guess", ip)).status, 401);
  const session = await signedUp("sprayvictim");
  assertError(await signIn(session.email, PASSWORD, ip), 429, "rate_limited", /from this network/);
  assert.equal((await signIn(session.email, PASSWORD, clientIp())).status, 200);
  // The client's address itself is never stored.
  const rows = await (await worker.d1()).prepare("SELECT counter FROM auth_attempts").all();
  assert.ok(rows.results.length > 0);
  assert.ok(!JSON.stringify(rows.results).includes(ip));
});

test("one client may sign up 10 times per 15 minutes", async () => {
  await inOneWindow(ATTEMPT_WINDOW);
  const ip = clientIp();
  for (let i = 0; i < 10; i++) assert.equal((await signUp({ email: email("bulk"), password: PASSWORD }, ip)).status, 201);
  assertError(await signUp({ email: email("bulk"), password: PASSWORD }, ip), 429, "rate_limited", /too many sign-ups/);
});

describe("the session cookie on /v1", () => {
  test("reads need only the cookie", async () => {
    const session = await signedUp("reader");
    const res = await worker.api("GET", "/v1/links", { headers: { Cookie: `${COOKIE}=${session.token}` } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.links, []);
  });

  test("writes need the session's X-CSRF-Token", async () => {
    const session = await signedUp("writer");
    const body = { url: "https://example.com/csrf" };
    const missing = await worker.api("POST", "/v1/links", { body, headers: asBrowser({ ...session, csrfToken: undefined }) });
    assertError(missing, 403, "forbidden", /must send the X-CSRF-Token header/);
    const wrong = await worker.api("POST", "/v1/links", { body, headers: asBrowser(session, { "X-CSRF-Token": "0".repeat(32) }) });
    assertError(wrong, 403, "forbidden", /does not match this session/);
    const ok = await worker.api("POST", "/v1/links", { body, headers: asBrowser(session) });
    assert.equal(ok.status, 201, ok.text);
  });

  test("writes the browser marks cross-site are refused even with the token", async () => {
    const session = await signedUp("crosssite");
    const body = { url: "https://example.com/x" };
    const site = await worker.api("POST", "/v1/links", { body, headers: asBrowser(session, { "Sec-Fetch-Site": "cross-site" }) });
    assertError(site, 403, "forbidden", "cross-site requests cannot sign in or use the dashboard's session");
    const origin = await worker.api("POST", "/v1/links", { body, headers: asBrowser(session, { Origin: "https://evil.example" }) });
    assertError(origin, 403, "forbidden", "cross-site requests cannot sign in or use the dashboard's session");
  });

  test("an Authorization header is used instead of the cookie, never alongside it", async () => {
    const session = await signedUp("both");
    const res = await worker.api("GET", "/v1/links", {
      headers: { Cookie: `${COOKIE}=${session.token}`, Authorization: "Bearer sl_live_00000000000000000000000000000000" },
    });
    assertError(res, 401, "unauthorized", /API key/);
  });

  test("the plain-http loopback cookie is not read on other hosts", async () => {
    const session = await signedUp("plain");
    const res = await worker.api("GET", "/v1/links", { headers: { Cookie: `sl_session=${session.token}` } });
    assertError(res, 401, "unauthorized");
  });

  test("an expired session is 401 with a message saying so", async () => {
    const session = await signedUp("expiring");
    await (await worker.d1()).prepare("UPDATE sessions SET expires_at = ? WHERE token_hash IS NOT NULL AND member_id = ?")
      .bind(Date.now() - 1, session.body.member.id)
      .run();
    const res = await worker.api("GET", "/v1/links", { headers: asBrowser(session) });
    assertError(res, 401, "unauthorized", "your session has expired or was ended; sign in again");
    assertError(await worker.api("GET", "/v1/auth/session", { headers: asBrowser(session) }), 401, "unauthorized", "not signed in");
  });
});

test("sign-out ends the session on the server and clears the cookie", async () => {
  const session = await signedUp("leaver");
  const res = await worker.api("POST", "/v1/auth/signout", { headers: asBrowser(session) });
  assert.equal(res.status, 200);
  assert.deepEqual(res.json, { message: "Signed out" });
  assert.equal(res.headers.get("set-cookie"), "__Host-sl_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure");
  assertError(await worker.api("GET", "/v1/links", { headers: asBrowser(session) }), 401, "unauthorized");
  // Signing out again (or never signed in) is fine.
  assert.equal((await worker.api("POST", "/v1/auth/signout")).status, 200);
});

test("sign-out with a live session needs the CSRF token, so no other site can sign anyone out", async () => {
  const session = await signedUp("stayer");
  const res = await worker.api("POST", "/v1/auth/signout", { headers: asBrowser({ ...session, csrfToken: undefined }) });
  assertError(res, 403, "forbidden");
  assert.equal((await worker.api("GET", "/v1/auth/session", { headers: asBrowser(session) })).status, 200);
});

describe("owners and members", () => {
  async function team() {
    const owner = await signedUp("boss", { accountName: "Team" });
    const inviteeEmail = email("staff");
    const invited = await worker.api("POST", "/v1/invitations", { body: { email: inviteeEmail }, headers: asBrowser(owner) });
    assert.equal(invited.status, 201, invited.text);
    const ip = clientIp();
    const joined = await signUp({ email: inviteeEmail, password: PASSWORD, invitation: invited.json.token }, ip);
    assert.equal(joined.status, 201, joined.text);
    return { owner, member: sessionOf(joined, ip), invitation: invited.json };
  }

  test("an owner's invitation link signs the person up into the owner's account as a member", async () => {
    const { owner, member, invitation } = await team();
    assert.equal(invitation.role, "member");
    assert.equal(invitation.url, `http://short.test/signup?invite=${invitation.token}`);
    assert.equal(member.body.account.id, owner.body.account.id);
    assert.equal(member.body.member.role, "member");
    const list = await worker.api("GET", "/v1/members", { headers: asBrowser(member) });
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.members.map((m) => [m.email, m.role]), [
      [owner.email, "owner"],
      [member.body.member.email, "member"],
    ]);
  });

  test("an invitation works once, for its own email", async () => {
    const owner = await signedUp("once");
    const address = email("invitee");
    const { json } = await worker.api("POST", "/v1/invitations", { body: { email: address }, headers: asBrowser(owner) });
    const looked = await worker.api("GET", `/v1/auth/invitations/${json.token}`);
    assert.equal(looked.status, 200);
    assert.equal(looked.json.email, address);
    assert.equal(looked.json.accountName, owner.email);
    const otherEmail = await signUp({ email: email("impostor"), password: PASSWORD, invitation: json.token });
    assertError(otherEmail, 400, "validation_error", `this invitation is for ${address}; sign up with that email`);
    assert.equal((await signUp({ email: address, password: PASSWORD, invitation: json.token })).status, 201);
    const reused = await signUp({ email: email("late"), password: PASSWORD, invitation: json.token });
    assertError(reused, 400, "validation_error", /unknown, already used, withdrawn or expired/);
    assert.equal(reused.json.error.field, "invitation");
    assert.equal((await worker.api("GET", `/v1/auth/invitations/${json.token}`)).status, 404);
  });

  test("members manage links but not keys or members", async () => {
    const { member, owner } = await team();
    const link = await worker.api("POST", "/v1/links", { body: { url: "https://example.com/m" }, headers: asBrowser(member) });
    assert.equal(link.status, 201);
    for (const [method, path, body] of [
      ["GET", "/v1/api-keys"],
      ["POST", "/v1/api-keys", { name: "mine" }],
      ["POST", "/v1/invitations", { email: email() }],
      ["DELETE", `/v1/members/${owner.body.member.id}`],
    ]) {
      const res = await worker.api(method, path, { body, headers: asBrowser(member) });
      assertError(res, 403, "forbidden", "only the account's owners may do this; ask an owner");
    }
  });

  test("owners create keys with every scope by default, and the key works", async () => {
    const { owner } = await team();
    const created = await worker.api("POST", "/v1/api-keys", { body: { name: "from the dashboard" }, headers: asBrowser(owner) });
    assert.equal(created.status, 201);
    assert.deepEqual(created.json.scopes, ["links:read", "links:write", "analytics:read", "qr:write", "keys:manage"]);
    assert.equal((await worker.api("GET", "/v1/links", { key: created.json.key })).status, 200);
    const list = await worker.api("GET", "/v1/api-keys", { headers: asBrowser(owner) });
    assert.equal(list.json.apiKeys[0].current, false);
    // With an owner who can sign in, the account's only key may be revoked.
    const revoked = await worker.api("DELETE", `/v1/api-keys/${created.json.id}`, { headers: asBrowser(owner) });
    assert.equal(revoked.status, 200, revoked.text);
  });

  test("an account keeps an owner: the last one can be neither demoted nor removed", async () => {
    const { owner, member } = await team();
    const ownerId = owner.body.member.id;
    assertError(
      await worker.api("PATCH", `/v1/members/${ownerId}`, { body: { role: "member" }, headers: asBrowser(owner) }),
      409,
      "conflict",
      "this is the account's last owner; make someone else an owner first",
    );
    assertError(await worker.api("DELETE", `/v1/members/${ownerId}`, { headers: asBrowser(owner) }), 409, "conflict");
    const promoted = await worker.api("PATCH", `/v1/members/${member.body.member.id}`, { body: { role: "owner" }, headers: asBrowser(owner) });
    assert.equal(promoted.status, 200);
    assert.equal(promoted.json.role, "owner");
    // The new owner's existing session has the new role at once.
    assert.equal((await worker.api("GET", "/v1/api-keys", { headers: asBrowser(member) })).status, 200);
    const demoted = await worker.api("PATCH", `/v1/members/${ownerId}`, { body: { role: "member" }, headers: asBrowser(owner) });
    assert.equal(demoted.status, 200);
  });

  test("a removed member is signed out at once", async () => {
    const { owner, member } = await team();
    const res = await worker.api("DELETE", `/v1/members/${member.body.member.id}`, { headers: asBrowser(owner) });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { message: "Member removed" });
    assertError(await worker.api("GET", "/v1/links", { headers: asBrowser(member) }), 401, "unauthorized");
    assert.equal((await signIn(member.body.member.email, PASSWORD)).status, 401);
  });

  test("other accounts' members and invitations are 404", async () => {
    const { member } = await team();
    const stranger = await signedUp("stranger");
    assertError(
      await worker.api("DELETE", `/v1/members/${member.body.member.id}`, { headers: asBrowser(stranger) }),
      404,
      "not_found",
    );
    const mine = await worker.api("POST", "/v1/invitations", { body: { email: email() }, headers: asBrowser(stranger) });
    const { owner } = await team();
    assertError(await worker.api("DELETE", `/v1/invitations/${mine.json.id}`, { headers: asBrowser(owner) }), 404, "not_found");
  });

  test("a withdrawn invitation no longer signs anyone up", async () => {
    const owner = await signedUp("withdrawer");
    const address = email();
    const { json } = await worker.api("POST", "/v1/invitations", { body: { email: address, role: "owner" }, headers: asBrowser(owner) });
    const pending = await worker.api("GET", "/v1/invitations", { headers: asBrowser(owner) });
    assert.deepEqual(pending.json.invitations.map((i) => [i.email, i.role]), [[address, "owner"]]);
    assert.equal((await worker.api("DELETE", `/v1/invitations/${json.id}`, { headers: asBrowser(owner) })).status, 200);
    assert.deepEqual((await worker.api("GET", "/v1/invitations", { headers: asBrowser(owner) })).json.invitations, []);
    assertError(await signUp({ email: address, password: PASSWORD, invitation: json.token }), 400, "validation_error");
  });
});

describe("with self sign-up off", () => {
  let closed;
  before(async () => {
    closed = await startWorker({ bindings: { SIGNUP_ENABLED: "false" } });
  });
  after(() => closed?.dispose());

  test("config says so and sign-up without an invitation is 403", async () => {
    assert.deepEqual((await closed.api("GET", "/v1/auth/config")).json, { signup: false });
    const res = await closed.api("POST", "/v1/auth/signup", { body: { email: "x@example.com", password: PASSWORD } });
    assertError(res, 403, "forbidden", /sign-up is by invitation only/);
  });

  test("the operator invites an owner into an account, who signs up with the link", async () => {
    const { account, key } = await closed.account("Invited Co", "pro");
    const invited = await closed.api("POST", `/v1/admin/accounts/${account.id}/invitations`, {
      key: ADMIN_TOKEN,
      body: { email: "founder@example.com" },
    });
    assert.equal(invited.status, 201, invited.text);
    assert.equal(invited.json.role, "owner");
    assert.match(invited.json.url, /^http:\/\/short\.test\/signup\?invite=[0-9A-Za-z]{32}$/);
    const res = await closed.api("POST", "/v1/auth/signup", {
      body: { email: "Founder@example.com", password: PASSWORD, invitation: invited.json.token },
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.account.id, account.id);
    assert.equal(res.json.account.plan, "pro");
    assert.equal(res.json.member.role, "owner");
    // The account's operator-made key still works beside the session.
    assert.equal((await closed.api("GET", "/v1/links", { key })).status, 200);
  });

  test("a suspended account's sessions are refused until it is resumed, and deleting it removes its people", async () => {
    const { account } = await closed.account("Suspendable", "free");
    const invited = await closed.api("POST", `/v1/admin/accounts/${account.id}/invitations`, {
      key: ADMIN_TOKEN,
      body: { email: "suspended@example.com" },
    });
    const ip = clientIp();
    const joined = await closed.api("POST", "/v1/auth/signup", {
      body: { email: "suspended@example.com", password: PASSWORD, invitation: invited.json.token },
      headers: { "CF-Connecting-IP": ip },
    });
    const session = sessionOf(joined, ip);
    const admin = (method, body) => closed.api(method, `/v1/admin/accounts/${account.id}`, { key: ADMIN_TOKEN, body });
    assert.equal((await admin("PATCH", { state: "suspended" })).status, 200);
    const refused = await closed.api("GET", "/v1/links", { headers: asBrowser(session) });
    assertError(refused, 403, "forbidden", "this account is suspended; the dashboard is closed until the operator resumes it");
    assert.equal((await admin("PATCH", { state: "active" })).status, 200);
    assert.equal((await closed.api("GET", "/v1/links", { headers: asBrowser(session) })).status, 200);

    assert.equal((await admin("DELETE")).status, 200);
    assertError(await closed.api("GET", "/v1/links", { headers: asBrowser(session) }), 401, "unauthorized");
    const db = await closed.d1();
    const left = await db.prepare("SELECT (SELECT COUNT(*) FROM members WHERE account_id = ?1) AS members, (SELECT COUNT(*) FROM invitations WHERE account_id = ?1) AS invitations").bind(account.id).first();
    assert.deepEqual(left, { members: 0, invitations: 0 });
  });

  test("a suspended account's members cannot sign in, a wrong password still gets 401, and resuming lets them in", async () => {
    const { account } = await closed.account("Paused", "free");
    const invited = await closed.api("POST", `/v1/admin/accounts/${account.id}/invitations`, {
      key: ADMIN_TOKEN,
      body: { email: "paused@example.com" },
    });
    const joined = await closed.api("POST", "/v1/auth/signup", {
      body: { email: "paused@example.com", password: PASSWORD, invitation: invited.json.token },
      headers: { "CF-Connecting-IP": clientIp() },
    });
    assert.equal(joined.status, 201, joined.text);
    const state = (value) => closed.api("PATCH", `/v1/admin/accounts/${account.id}`, { key: ADMIN_TOKEN, body: { state: value } });
    assert.equal((await state("suspended")).status, 200);
    const signInHere = (password) =>
      closed.api("POST", "/v1/auth/signin", { body: { email: "paused@example.com", password }, headers: { "CF-Connecting-IP": clientIp() } });

    const refused = await signInHere(PASSWORD);
    assertError(refused, 403, "forbidden", "this account is suspended; the dashboard is closed until the operator resumes it");
    assert.equal(refused.headers.get("set-cookie"), null);
    // Without the password, the answer says nothing about the account.
    assertError(await signInHere("not the password"), 401, "unauthorized", "email or password is wrong");

    assert.equal((await state("active")).status, 200);
    const resumed = await signInHere(PASSWORD);
    assert.equal(resumed.status, 200, resumed.text);
    assert.equal(resumed.json.account.id, account.id);
  });

  test("the operator's invitation needs the operator token and an existing account", async () => {
    const body = { email: "someone@example.com" };
    assertError(await closed.api("POST", "/v1/admin/accounts/acct_000000000000/invitations", { key: ADMIN_TOKEN, body }), 404, "not_found");
    const { account, key } = await closed.account("Guarded", "free");
    assertError(await closed.api("POST", `/v1/admin/accounts/${account.id}/invitations`, { key, body }), 401, "unauthorized");
  });
});
