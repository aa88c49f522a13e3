#!/usr/bin/env node
// Operator CLI for the /v1/admin API, against a local or deployed worker.
//
//   npm run admin -- create-account --name "Acme" [--plan pro] [--limits '{"perMinute":5000}']
//   npm run admin -- update-account acct_… [--plan enterprise] [--name …] [--limits '{…}' | --limits null]
//   npm run admin -- reconcile    (the KV-against-D1 pass, run until the walk is complete)
//
// Options: --url (default $SMARTLINKS_URL or http://127.0.0.1:8787),
// --token (default $ADMIN_TOKEN), --key-only (print just the new API key).
import { parseArgs } from "node:util";

const usage = `usage:
  npm run admin -- create-account --name NAME [--plan free|pro|business|enterprise] [--limits JSON] [--key-name NAME]
  npm run admin -- update-account ACCOUNT_ID [--name NAME] [--plan PLAN] [--limits JSON|null]
  npm run admin -- reconcile
options: --url URL (default $SMARTLINKS_URL or http://127.0.0.1:8787), --token TOKEN (default $ADMIN_TOKEN), --key-only`;

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
      limits: { type: "string" },
      "key-name": { type: "string" },
      "key-only": { type: "boolean" },
    },
  });
} catch (e) {
  fail(`${e.message}\n${usage}`);
}
const { values: opts, positionals } = parsed;
const [command, accountId] = positionals;
const url = (opts.url ?? process.env.SMARTLINKS_URL ?? "http://127.0.0.1:8787").replace(/\/$/, "");
const token = opts.token ?? process.env.ADMIN_TOKEN;
if (!token) fail("no operator token: pass --token or set ADMIN_TOKEN");

const body = {};
if (opts.name !== undefined) body.name = opts.name;
if (opts.plan !== undefined) body.plan = opts.plan;
if (opts["key-name"] !== undefined) body.keyName = opts["key-name"];
if (opts.limits !== undefined) {
  try {
    body.limits = JSON.parse(opts.limits);
  } catch {
    fail(`--limits must be JSON, e.g. '{"perMinute":5000}' (got ${opts.limits})`);
  }
}

/** The reconciliation pass, one call (3 pages of KV keys) at a time until complete. */
async function reconcile() {
  const total = { scanned: 0, removed: 0, republished: 0 };
  let cursor = null;
  do {
    const query = cursor ? `?cursor=${encodeURIComponent(cursor)}` : "";
    const response = await fetch(`${url}/v1/admin/reconcile${query}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
    }).catch((e) => fail(`cannot reach ${url}: ${e.cause?.message ?? e.message}`));
    const report = await response.json().catch(() => ({}));
    if (!response.ok) fail(`${response.status}: ${report.error?.message ?? JSON.stringify(report)}`);
    for (const name of Object.keys(total)) total[name] += report[name];
    cursor = report.cursor;
  } while (cursor);
  console.log(`reconcile: ${total.scanned} scanned, ${total.removed} removed, ${total.republished} republished (complete)`);
}

if (command === "reconcile") {
  await reconcile();
  process.exit(0);
}

let method, path;
if (command === "create-account") {
  [method, path] = ["POST", "/v1/admin/accounts"];
} else if (command === "update-account" && accountId) {
  [method, path] = ["PATCH", `/v1/admin/accounts/${encodeURIComponent(accountId)}`];
} else {
  fail(usage);
}

const response = await fetch(url + path, {
  method,
  headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
  body: JSON.stringify(body),
}).catch((e) => fail(`cannot reach ${url}: ${e.cause?.message ?? e.message}`));
const result = await response.json().catch(() => ({}));
if (!response.ok) fail(`${response.status}: ${result.error?.message ?? JSON.stringify(result)}`);
if (opts["key-only"]) {
  console.log(result.apiKey.key);
} else {
  console.log(JSON.stringify(result, null, 2));
}
