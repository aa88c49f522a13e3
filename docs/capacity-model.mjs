// The capacity model of click counting (docs/capacity-model.md): for two
// production loads, what the click pipeline asks of Durable Objects, the
// queue, SQLite and D1, and what it costs a month, against the design it
// replaced (one ClickCounter call per click, one object per link).
//
// `node docs/capacity-model.mjs` prints the tables that docs/capacity-model.md
// quotes; tests/capacity-model.test.mjs checks the document still matches.
// Every input is a named constant below with where it comes from.

// ── Cloudflare's documented limits and prices (Workers Paid, 2026) ───────
const LIMITS = {
  // developers.cloudflare.com/durable-objects/reference/faq: "soft limit of
  // 1,000 requests per second" per object, fewer with storage writes.
  doRequestsPerObject: 1_000,
  // developers.cloudflare.com/queues/platform/limits
  queueMessagesPerSecond: 5_000,
  consumerBatchSize: 100,
};
const PRICES = {
  // durable-objects/platform/pricing: requests, duration, SQLite storage
  doRequestPerMillion: 0.15,
  doGbSecondPerMillion: 12.5,
  doRowWrittenPerMillion: 1.0,
  doRowReadPerMillion: 0.001,
  // queues/platform/pricing: an operation per 64 KB written, read, deleted
  queueOperationPerMillion: 0.4,
  // d1/platform/pricing
  d1RowWrittenPerMillion: 1.0,
  // workers/platform/pricing: requests (consumer invocations)
  workerRequestPerMillion: 0.3,
};
const INCLUDED = {
  doRequests: 1e6,
  doGbSeconds: 400_000,
  doRowsWritten: 50e6,
  doRowsRead: 25e9,
  queueOperations: 1e6,
  d1RowsWritten: 50e6,
  workerRequests: 10e6,
};
const SECONDS_PER_MONTH = 30 * 86_400;
/** A Durable Object is billed for 128 MB while it runs. */
const DO_GB = 0.128;

// ── This design (src/core/analytics, src/visit/flush.rs, src/consume.rs) ─
const DESIGN = {
  shards: 64, // wrangler.toml CLICK_SHARDS
  windowSeconds: 1, // core::analytics::buffer::WINDOW_MILLIS
  queueOpsPerMessage: 3, // write, read, delete; messages stay under 64 KB
  rowsPerBucket: 3, // its hour row, its day row, the link's total (store::clicks)
  appliedIdRowsPerPart: 1, // one `applied` row per message per shard it touches
  // The shard's alarm pushes changed totals to D1 every 2.5–5 s, 3.75 s on
  // average (objects/click_counter.rs), at most 500 links a push
  // (store::clicks::PUSH_BATCH); when more changed, they wait their turn.
  pushSeconds: 3.75,
  pushBatch: 500,
  // Wall time of one shard call: fixed cost plus per bucket applied (SQL and
  // JSON in wasm). Measured locally (Miniflare, 2 busy cores): 1,000 buckets
  // in one call took 70–100 ms.
  callMs: 2,
  bucketMs: 0.1,
};
// ── The design it replaces (main before issue 15) ────────────────────────
const BEFORE = {
  // store/clicks.rs before: 8 hourly counters, 2 sketches and the total.
  rowsPerClick: 11,
  callMs: 2,
  pushSeconds: 1,
};

// ── Traffic assumptions ───────────────────────────────────────────────────
/** Requests one isolate serves per second before the edge spreads traffic
 * over more machines of the location: deliberately low, so the model
 * assumes many isolates and therefore many flushes. */
const ISOLATE_RPS = 100;
/** The pessimistic column spreads every location over this many times more
 * isolates than traffic needs. */
const PESSIMISTIC_SPREAD = 4;

const SCENARIOS = [
  { name: "10,000 clicks/s on one link", clicks: 10_000, links: 1, locations: 300 },
  { name: "100,000 clicks/s across 1M links", clicks: 100_000, links: 1_000_000, locations: 300 },
];

/** Distinct of `n` draws over `k` equally likely values, expected. */
const distinct = (n, k) => k * (1 - (1 - 1 / k) ** n);

/**
 * D1 rows written per second, and how far the list's copy lags the shards.
 * Each shard pushes what changed since its last push; past a batch, its
 * changed links are pushed in turn, so a link waits one cycle: the time `L`
 * in which the links changed in `L` are as many as the shard pushes in `L`.
 */
function d1Pushes(s, shards) {
  const links = s.links / shards;
  const clicks = s.clicks / shards;
  const perPush = distinct(clicks * DESIGN.pushSeconds, links);
  if (perPush <= DESIGN.pushBatch) {
    return { rows: (shards * perPush) / DESIGN.pushSeconds, lagSeconds: DESIGN.pushSeconds };
  }
  const rate = DESIGN.pushBatch / DESIGN.pushSeconds;
  let [short, long] = [DESIGN.pushSeconds, 1e7];
  for (let i = 0; i < 100; i++) {
    const cycle = (short + long) / 2;
    if (distinct(clicks * cycle, links) > rate * cycle) short = cycle;
    else long = cycle;
  }
  return { rows: shards * rate, lagSeconds: long };
}

function after(s, spread) {
  const perLocation = s.clicks / s.locations;
  const isolates = s.locations * Math.max(1, Math.ceil(perLocation / ISOLATE_RPS)) * spread;
  // One message per isolate per window, or fewer when clicks are scarcer.
  const messages = Math.min(isolates / DESIGN.windowSeconds, s.clicks);
  const clicksPerMessage = s.clicks / messages;
  const linksPerMessage = distinct(clicksPerMessage, s.links);
  const shardsPerMessage = distinct(linksPerMessage, Math.min(DESIGN.shards, s.links));
  // Batches fill to 100 messages, or leave after the 1 s batch wait.
  const batches = Math.max(messages / LIMITS.consumerBatchSize, Math.min(messages, 1));
  const messagesPerBatch = messages / batches;
  const shardsPerBatch = distinct(messagesPerBatch * shardsPerMessage, Math.min(DESIGN.shards, s.links));
  const callsTotal = batches * shardsPerBatch;
  // The busiest shard: the hot link's, or (spread) any, called once a batch.
  const callsBusiest = batches * Math.min(1, (messagesPerBatch * shardsPerMessage) / Math.min(DESIGN.shards, s.links));
  // Buckets per second: a link's clicks in one batch merge into one bucket.
  const clicksPerBatch = s.clicks / batches;
  const buckets = batches * distinct(clicksPerBatch, s.links);
  const appliedRows = messages * shardsPerMessage * DESIGN.appliedIdRowsPerPart;
  const rows = buckets * DESIGN.rowsPerBucket + appliedRows;
  const pushes = d1Pushes(s, Math.min(DESIGN.shards, s.links));
  const d1Rows = pushes.rows;
  const gbSeconds = (callsTotal * DESIGN.callMs + buckets * DESIGN.bucketMs) / 1000 * DO_GB;
  return {
    isolates,
    bucketsBusiest: buckets / Math.min(DESIGN.shards, s.links),
    messages,
    queuePercent: (100 * messages) / LIMITS.queueMessagesPerSecond,
    callsBusiest,
    callsTotal,
    rowsPerSecond: rows,
    rowsPerMillion: (rows / s.clicks) * 1e6,
    appliedShare: appliedRows / rows,
    d1Rows,
    listLagSeconds: pushes.lagSeconds,
    cost: monthly({
      doRequests: callsTotal,
      doGbSeconds: gbSeconds,
      doRowsWritten: rows,
      queueOperations: messages * DESIGN.queueOpsPerMessage,
      d1RowsWritten: d1Rows,
      workerRequests: batches,
    }),
  };
}

function before(s) {
  const rows = s.clicks * BEFORE.rowsPerClick;
  const d1Rows = distinct(s.clicks * BEFORE.pushSeconds, s.links) / BEFORE.pushSeconds;
  return {
    callsBusiest: s.clicks / s.links,
    callsTotal: s.clicks,
    messages: 0,
    rowsPerSecond: rows,
    rowsPerMillion: BEFORE.rowsPerClick * 1e6,
    d1Rows,
    listLagSeconds: BEFORE.pushSeconds,
    cost: monthly({
      doRequests: s.clicks,
      doGbSeconds: (s.clicks * BEFORE.callMs) / 1000 * DO_GB,
      doRowsWritten: rows,
      queueOperations: 0,
      d1RowsWritten: d1Rows,
      workerRequests: 0,
    }),
  };
}

/** Dollars a month for these rates per second, after what the plan includes. */
function monthly(perSecond) {
  const bill = (rate, included, pricePerMillion) =>
    (Math.max(0, rate * SECONDS_PER_MONTH - included) / 1e6) * pricePerMillion;
  const parts = {
    "DO requests": bill(perSecond.doRequests, INCLUDED.doRequests, PRICES.doRequestPerMillion),
    "DO duration": bill(perSecond.doGbSeconds, INCLUDED.doGbSeconds, PRICES.doGbSecondPerMillion),
    "DO rows written": bill(perSecond.doRowsWritten, INCLUDED.doRowsWritten, PRICES.doRowWrittenPerMillion),
    "queue operations": bill(perSecond.queueOperations, INCLUDED.queueOperations, PRICES.queueOperationPerMillion),
    "D1 rows written": bill(perSecond.d1RowsWritten, INCLUDED.d1RowsWritten, PRICES.d1RowWrittenPerMillion),
    "consumer invocations": bill(perSecond.workerRequests, INCLUDED.workerRequests, PRICES.workerRequestPerMillion),
  };
  return { parts, total: Object.values(parts).reduce((a, b) => a + b, 0) };
}

const n = (v, digits = v > 0 && v < 10 ? 1 : 0) =>
  v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const usd = (v) => `$${n(v)}`;

function table(header, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

export function render() {
  const out = [];
  for (const s of SCENARIOS) {
    const old = before(s);
    const expected = after(s, 1);
    const pessimistic = after(s, PESSIMISTIC_SPREAD);
    out.push(`### ${s.name}, from ${s.locations} locations`, "");
    out.push(
      table(
        ["figure", "one call per click (before)", "this design, expected", `this design, ${PESSIMISTIC_SPREAD}× the isolates`],
        [
          ["isolates flushing", "–", n(expected.isolates), n(pessimistic.isolates)],
          [
            "Durable Object calls/s, busiest object",
            `${n(old.callsBusiest)} (limit ${n(LIMITS.doRequestsPerObject)})`,
            n(expected.callsBusiest),
            n(pessimistic.callsBusiest),
          ],
          ["Durable Object calls/s, all objects", n(old.callsTotal), n(expected.callsTotal), n(pessimistic.callsTotal)],
          [
            "buckets applied/s, busiest object",
            `${n(s.clicks / s.links)} clicks`,
            n(expected.bucketsBusiest),
            n(pessimistic.bucketsBusiest),
          ],
          [
            "queue messages/s (limit 5,000 per queue)",
            "–",
            `${n(expected.messages)} (${n(expected.queuePercent)}%)`,
            `${n(pessimistic.messages)} (${n(pessimistic.queuePercent)}%)`,
          ],
          [
            "SQLite rows written per million clicks",
            n(old.rowsPerMillion),
            `${n(expected.rowsPerMillion)} (${n(100 * expected.appliedShare)}% message ids)`,
            `${n(pessimistic.rowsPerMillion)} (${n(100 * pessimistic.appliedShare)}% message ids)`,
          ],
          ["D1 rows written/s (the list's copy of `clicks`)", n(old.d1Rows), n(expected.d1Rows), n(pessimistic.d1Rows)],
          [
            "the list's copy behind the shards, about",
            `${n(old.listLagSeconds)} s`,
            `${n(expected.listLagSeconds)} s`,
            `${n(pessimistic.listLagSeconds)} s`,
          ],
          ...Object.keys(old.cost.parts).map((part) => [
            `monthly: ${part}`,
            usd(old.cost.parts[part]),
            usd(expected.cost.parts[part]),
            usd(pessimistic.cost.parts[part]),
          ]),
          ["**monthly total**", `**${usd(old.cost.total)}**`, `**${usd(expected.cost.total)}**`, `**${usd(pessimistic.cost.total)}**`],
        ],
      ),
      "",
    );
  }
  return out.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(render());
