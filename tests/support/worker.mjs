// Starts the built worker (build/index.js) in workerd through Miniflare, with
// real local KV, D1, Durable Objects and Queues taken from wrangler.toml, in
// memory so every run starts empty, and the D1 migrations applied.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Miniflare, Log, LogLevel } from "miniflare";
import { parse } from "smol-toml";
import { assertDocumented } from "./openapi.mjs";
import { shardName } from "./shards.mjs";

const root = new URL("../..", import.meta.url).pathname;
export const ADMIN_TOKEN = "test-admin-token-0123456789";
export const CLICK_SECRET = "test-click-secret-0123456789";
export const ORIGIN = "http://short.test";

/** Every SQL statement of the migrations, in order. */
function migrationStatements() {
  const dir = join(root, "migrations");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .flatMap((f) =>
      readFileSync(join(dir, f), "utf8")
        .replace(/--[^\n]*/g, "")
        .split(";")
        .map((s) => s.trim())
        .filter(Boolean),
    );
}

/**
 * wrangler.toml's [assets] as Miniflare's `assets` option, the way wrangler
 * dev passes it: `run_worker_first` patterns become static routing (a `!`
 * pattern goes to the assets, any other to the worker first).
 */
function assetsOption(assets) {
  if (!assets) return {};
  const rules = Array.isArray(assets.run_worker_first) ? assets.run_worker_first : null;
  return {
    assets: {
      directory: join(root, assets.directory),
      ...(assets.binding ? { binding: assets.binding } : {}),
      routerConfig: {
        has_user_worker: true,
        ...(rules
          ? {
              static_routing: {
                user_worker: rules.filter((r) => !r.startsWith("!")),
                asset_worker: rules.filter((r) => r.startsWith("!")).map((r) => r.slice(1)),
              },
            }
          : { invoke_user_worker_ahead_of_assets: assets.run_worker_first === true }),
      },
      assetConfig: {
        ...(assets.html_handling ? { html_handling: assets.html_handling } : {}),
        ...(assets.not_found_handling ? { not_found_handling: assets.not_found_handling } : {}),
      },
    },
  };
}

/**
 * `migrate: false` leaves D1 without tables: every query then fails, which
 * is how tests see the worker with its database unavailable.
 * `withoutDurableObjects`: binding names to leave out, so the worker runs
 * as if that object could not be reached (the real failure path, not a mock).
 * `withoutQueues`: leave the queue producers out, so every send fails and
 * flushes take their fallback (again the real failure path).
 * `port`: also serve the worker over HTTP on 127.0.0.1:`port` (0 picks a free
 * one; `worker.url` then says which), for fuzzers and load generators.
 * `cf`: the `request.cf` every request gets (wrangler dev reports country
 * `US`); a request may override it with its own `cf` in `worker.fetch`'s
 * init, e.g. `{ cf: { country: "DE" } }`.
 * `assets: false`: serve the worker alone, without the dashboard's static
 * assets and Miniflare's asset router in front of it (the benchmark's
 * choice: see benchmarks/run.mjs).
 */
export async function startWorker({
  bindings = {},
  migrate = true,
  withoutDurableObjects = [],
  withoutQueues = false,
  port,
  cf = { country: "US", colo: "TST" },
  assets = true,
} = {}) {
  const config = parse(readFileSync(join(root, "wrangler.toml"), "utf8"));
  const mf = new Miniflare({
    rootPath: root,
    modules: true,
    scriptPath: join(root, config.main),
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"], fallthrough: true }],
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags ?? [],
    kvNamespaces: (config.kv_namespaces ?? []).map((k) => k.binding),
    d1Databases: (config.d1_databases ?? []).map((d) => d.binding),
    durableObjects: Object.fromEntries(
      (config.durable_objects?.bindings ?? []).filter((b) => !withoutDurableObjects.includes(b.name)).map((b) => [
        b.name,
        { className: b.class_name, useSQLite: true },
      ]),
    ),
    queueProducers: withoutQueues
      ? {}
      : Object.fromEntries((config.queues?.producers ?? []).map((p) => [p.binding, { queueName: p.queue }])),
    queueConsumers: Object.fromEntries(
      (config.queues?.consumers ?? []).map((c) => [
        c.queue,
        {
          maxBatchSize: c.max_batch_size,
          maxBatchTimeout: c.max_batch_timeout,
          maxRetries: c.max_retries,
          retryDelay: c.retry_delay,
          deadLetterQueue: c.dead_letter_queue,
        },
      ]),
    ),
    // SHORT_BASE_FROM_REQUEST: as under `npm start`, short URLs use the
    // request's origin (a deploy must set SHORT_BASE_URL instead).
    bindings: { ...config.vars, SHORT_BASE_FROM_REQUEST: "true", ADMIN_TOKEN, CLICK_SECRET, ...bindings },
    // Cloudflare's Rate Limiting binding, as wrangler.toml declares it.
    ratelimits: Object.fromEntries(
      (config.ratelimits ?? []).map((r) => [r.name, { namespace_id: r.namespace_id, simple: r.simple }]),
    ),
    ...(assets ? assetsOption(config.assets) : {}),
    // wrangler dev cannot fetch Request.cf offline; give tests a fixed one.
    cf,
    ...(port === undefined ? {} : { host: "127.0.0.1", port }),
    // MF_LOG=1 shows the worker's console, e.g. why a click was not recorded.
    ...(process.env.MF_LOG ? { log: new Log(LogLevel.DEBUG) } : {}),
  });
  const url = await mf.ready;
  if (migrate) {
    const db = await mf.getD1Database("DB");
    await db.batch(migrationStatements().map((sql) => db.prepare(sql)));
  }
  return new Worker(mf, url);
}

/** A response with its body read: `json` when it parses, else `text`. */
async function settle(response) {
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export class Worker {
  constructor(mf, url) {
    this.mf = mf;
    /** The HTTP origin when started with a `port`. */
    this.url = url;
  }

  /**
   * A raw request to the worker; `path` is relative to ORIGIN. `init.cf`
   * overrides fields of the worker's `request.cf` for this request.
   */
  async fetch(path, init = {}) {
    return settle(await this.mf.dispatchFetch(new URL(path, ORIGIN), { redirect: "manual", ...init }));
  }

  /**
   * A JSON API request; `key` becomes the bearer token. The response must
   * be what openapi.json documents for it, or this throws.
   */
  async api(method, path, { key, body, headers = {} } = {}) {
    const init = { method, headers: { ...headers } };
    if (key) init.headers.Authorization = `Bearer ${key}`;
    if (body !== undefined) {
      init.headers["Content-Type"] ??= "application/json";
      init.body = typeof body === "string" ? body : JSON.stringify(body);
    }
    const response = await this.fetch(path, init);
    assertDocumented(method, new URL(path, ORIGIN).pathname, response);
    return response;
  }

  /** Creates an account through the operator API; returns {account, key}. */
  async account(name = "Acme", plan = "pro", extra = {}) {
    const res = await this.api("POST", "/v1/admin/accounts", {
      key: ADMIN_TOKEN,
      body: { name, plan, ...extra },
    });
    if (res.status !== 201) throw new Error(`account creation failed: ${res.status} ${res.text}`);
    return { account: res.json.account, key: res.json.apiKey.key, apiKey: res.json.apiKey };
  }

  /** Creates a link with `key`; returns the answer's body, or throws. */
  async createLink(key, body) {
    const res = await this.api("POST", "/v1/links", { key, body });
    if (res.status !== 201) throw new Error(`link creation failed: ${res.status} ${res.text}`);
    return res.json;
  }

  /** Changes link `idOrSlug` with `key`; returns the answer's body, or throws. */
  async patchLink(key, idOrSlug, body) {
    const res = await this.api("PATCH", `/v1/links/${idOrSlug}`, { key, body });
    if (res.status !== 200) throw new Error(`link change failed: ${res.status} ${res.text}`);
    return res.json;
  }

  /** Runs the worker's Cron Trigger once, as Cloudflare would. */
  async scheduled(cron = "*/15 * * * *") {
    const worker = await this.mf.getWorker();
    return worker.scheduled({ cron, scheduledTime: new Date() });
  }

  /** The worker's KV namespace, to inspect or break in tests. */
  kv() {
    return this.mf.getKVNamespace("LINKS_KV");
  }

  /**
   * The ClickCounter shard holding `linkId`, to seed or inspect it;
   * `shards` is the worker's CLICK_SHARDS when a test overrides it.
   */
  async shard(linkId, shards) {
    const ns = await this.mf.getDurableObjectNamespace("CLICK_COUNTER");
    return ns.get(ns.idFromName(shardName(linkId, shards)));
  }

  /** The clicks queue's producer, to send messages as a flush would. */
  clicksQueue() {
    return this.mf.getQueueProducer("CLICKS");
  }

  /**
   * What a link's ClickCounter shard holds for the last `days` days, asked
   * directly (not through the API): its counts and its day sketches.
   */
  async clickReport(linkId, days = 2) {
    const last = Math.floor(Date.now() / 3_600_000);
    const res = await (await this.shard(linkId)).fetch(
      `https://click-counter/report?link=${linkId}&first=${last - days * 24}&last=${last}&sketches=day`,
    );
    if (res.status !== 200) throw new Error(`ClickCounter report answered ${res.status}`);
    return res.json();
  }

  /** The worker's D1 database, to inspect in tests. */
  d1() {
    return this.mf.getD1Database("DB");
  }

  dispose() {
    return this.mf.dispose();
  }
}
