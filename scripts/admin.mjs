#!/usr/bin/env node
// Operator CLI for the /v1/admin API, against a local or deployed worker.
// Prints the JSON answer; exits 1 with the API's message on an error.
import { parseArgs } from "node:util";

const usage = `usage:
  npm run admin -- create-account --name NAME [--plan free|pro|business|enterprise] [--limits JSON] [--key-name NAME] [--key-only]
  npm run admin -- list-accounts [--page N] [--page-size N] [--search TEXT] [--plan PLAN] [--state active|suspended]
  npm run admin -- get-account ACCOUNT_ID
  npm run admin -- update-account ACCOUNT_ID [--name NAME] [--plan PLAN] [--limits JSON|null]
  npm run admin -- suspend-account ACCOUNT_ID      its API keys are refused until resumed; its links keep redirecting
  npm run admin -- resume-account ACCOUNT_ID
  npm run admin -- reissue-key ACCOUNT_ID [--key-name NAME] [--revoke-others] [--key-only]
  npm run admin -- delete-account ACCOUNT_ID       its links, keys and click data; repeats until done
  npm run admin -- reconcile                        the KV-against-D1 pass, now; repeats until the walk is complete
  npm run admin -- invite ACCOUNT_ID --email EMAIL [--role owner|member]   a sign-up link for the dashboard
options: --url URL (default $SMARTLINKS_URL, else http://127.0.0.1:$PORT with PORT defaulting to 8787),
         --token TOKEN (default $ADMIN_TOKEN), --key-only (print just the new API key)`;

function fail(message) {
  console.error(message);
  process.exit(1);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: "string" },
      token: { type: "string" },
      name: { type: "string" },
      plan: { type: "string" },
      state: { type: "string" },
      search: { type: "string" },
      page: { type: "string" },
      "page-size": { type: "string" },
      limits: { type: "string" },
      "key-name": { type: "string" },
      "key-only": { type: "boolean" },
      "revoke-others": { type: "boolean" },
      email: { type: "string" },
      role: { type: "string" },
    },
  });
} catch (e) {
  fail(`${e.message}\n${usage}`);
}
const { values: opts, positionals } = parsed;
const [command, accountId] = positionals;
const url = (opts.url ?? process.env.SMARTLINKS_URL ?? `http://127.0.0.1:${process.env.PORT || 8787}`).replace(/\/$/, "");
const token = opts.token ?? process.env.ADMIN_TOKEN;

/** The request a command makes: [method, path, body], or null for bad usage. */
function request() {
  const account = accountId && `/v1/admin/accounts/${encodeURIComponent(accountId)}`;
  const body = {};
  if (opts.name !== undefined) body.name = opts.name;
  if (opts.plan !== undefined) body.plan = opts.plan;
  if (opts.limits !== undefined) {
    try {
      body.limits = JSON.parse(opts.limits);
    } catch {
      fail(`--limits must be JSON, e.g. '{"perMinute":5000}' (got ${opts.limits})`);
    }
  }
  switch (command) {
    case "create-account":
      if (opts["key-name"] !== undefined) body.keyName = opts["key-name"];
      return ["POST", "/v1/admin/accounts", body];
    case "list-accounts": {
      const query = new URLSearchParams();
      for (const [name, value] of [["page", opts.page], ["pageSize", opts["page-size"]], ["search", opts.search], ["plan", opts.plan], ["state", opts.state]]) {
        if (value !== undefined) query.set(name, value);
      }
      return ["GET", `/v1/admin/accounts${query.size ? `?${query}` : ""}`];
    }
    case "get-account":
      return account && ["GET", account];
    case "update-account":
      if (opts.state !== undefined) body.state = opts.state;
      return account && ["PATCH", account, body];
    case "suspend-account":
      return account && ["PATCH", account, { state: "suspended" }];
    case "resume-account":
      return account && ["PATCH", account, { state: "active" }];
    case "reissue-key": {
      const reissue = {};
      if (opts["key-name"] !== undefined) reissue.name = opts["key-name"];
      if (opts["revoke-others"]) reissue.revokeOthers = true;
      return account && ["POST", `${account}/keys`, reissue];
    }
    case "delete-account":
      return account && ["DELETE", account];
    case "reconcile":
      return ["POST", "/v1/admin/reconcile"];
    case "invite":
      return account && opts.email !== undefined && ["POST", `${account}/invitations`, { email: opts.email, ...(opts.role ? { role: opts.role } : {}) }];
    default:
      return null;
  }
}

async function call([method, path, body]) {
  const response = await fetch(url + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body && JSON.stringify(body),
  }).catch((e) => fail(`cannot reach ${url}: ${e.cause?.message ?? e.message}`));
  const result = await response.json().catch(() => ({}));
  if (!response.ok) fail(`${response.status}: ${result.error?.message ?? JSON.stringify(result)}`);
  return { status: response.status, result };
}

const req = request();
if (!req) fail(usage);
if (!token) fail("no operator token: pass --token or set ADMIN_TOKEN");

let { status, result } = await call(req);
// A large account is deleted over several requests: 202 until the last.
while (command === "delete-account" && status === 202) {
  console.error(result.message);
  ({ status, result } = await call(req));
}
// The reconciliation pass walks KV a few pages per request: go on from
// each answer's cursor, and report the sums.
if (command === "reconcile") {
  const total = { ...result };
  while (result.cursor) {
    ({ result } = await call(["POST", `/v1/admin/reconcile?cursor=${encodeURIComponent(result.cursor)}`]));
    for (const name of ["scanned", "removed", "republished"]) total[name] += result[name];
  }
  result = { ...total, cursor: null, complete: true };
}
if (opts["key-only"] && result.apiKey) {
  console.log(result.apiKey.key);
} else {
  console.log(JSON.stringify(result, null, 2));
}
