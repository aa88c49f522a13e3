// Which ClickCounter shard holds a link: the same FNV-1a (64-bit) of the
// link id modulo CLICK_SHARDS as src/core/analytics/shard.rs, whose unit test
// pins values this must agree with. Tests and the benchmark use it to seed
// history straight into a link's shard, or to read its raw rows.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "smol-toml";

const root = new URL("../..", import.meta.url).pathname;
const OFFSET = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = (1n << 64n) - 1n;

/** CLICK_SHARDS from wrangler.toml's [vars] (64 when unset, as the worker). */
export function shardCount(config = parse(readFileSync(join(root, "wrangler.toml"), "utf8"))) {
  const n = Number.parseInt(config.vars?.CLICK_SHARDS ?? "64", 10);
  return Number.isNaN(n) ? 64 : Math.min(Math.max(n, 1), 1024);
}

/** The shard index of `linkId`. */
export function shardOf(linkId, shards = shardCount()) {
  let hash = OFFSET;
  for (const byte of new TextEncoder().encode(linkId)) hash = ((hash ^ BigInt(byte)) * PRIME) & MASK;
  return Number(hash % BigInt(shards));
}

/** The Durable Object name of the shard holding `linkId`. */
export function shardName(linkId, shards) {
  return `shard-${shardOf(linkId, shards)}`;
}
