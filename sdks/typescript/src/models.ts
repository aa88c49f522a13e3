// The client's models: the types openapi-typescript generates from
// openapi.json, each with one name per field. The API answers in both of its
// dialects (`shortUrl` and `short_url`, ...); the client keeps the camelCase
// ones, in the types and at run time, so new fields reach callers unchanged.
import type { components } from "./generated/openapi.js";

type Schemas = components["schemas"];

/** `a_bc_de` → `aBcDe`. */
type Camel<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;

/** Renamed pairs that are not plain case changes (SMO1 name → SmartLinks name). */
interface Renamed {
  slug: "shortCode";
  original_url: "url";
}

/** Drops each field whose other-dialect twin is present. */
export type OneDialect<T> = {
  [K in keyof T as K extends keyof Renamed
    ? Renamed[K] extends keyof T
      ? never
      : K
    : K extends `${string}_${string}`
      ? Camel<K> extends keyof T
        ? never
        : K
      : K]: T[K];
};

export type Link = OneDialect<Schemas["Link"]>;
export type ApiKey = Schemas["ApiKey"];
/** A new key; `key` is the secret, shown only in this answer. */
export type ApiKeyCreated = Schemas["ApiKeyCreated"];
export type Scope = Schemas["Scope"];
export type Plan = Schemas["Plan"];
export type Limits = Schemas["Limits"];
/** The account: plan, effective limits and usage. */
export type Account = Schemas["AccountUsage"];
export type AnalyticsPeriod = Schemas["AnalyticsPeriod"];
export type QrFormat = NonNullable<Schemas["QrOptions"]["format"]>;
export type ErrorCorrection = NonNullable<Schemas["QrOptions"]["errorCorrection"]>;
export type QrStyle = NonNullable<Schemas["QrOptions"]["style"]>;

type Report = Schemas["Analytics"];

/** A link's click report, one name per field. */
export interface Analytics {
  linkId: Report["linkId"];
  shortCode: Report["slug"];
  period: Report["period"];
  clicks: Report["metrics"]["clicks"];
  uniqueClicks: Report["metrics"]["uniqueClicks"];
  platforms: Report["metrics"]["platforms"];
  /** Every day of the period, zero-filled. */
  clicksByDate: Report["clicks_by_date"];
  /** Periods of 48 hours or less: every hour, zero-filled. */
  clicksByHour?: Report["clicks_by_hour"];
  countries: Report["countries"];
  devices: Report["devices"];
  referrers: Report["referrers"];
  browsers: Report["browsers"];
  os: Report["os"];
  sources: Report["sources"];
  /** Clicks that came from scanning the link's QR code. */
  qrClicks: Report["qr_clicks"];
  /** Bot hits, never counted as clicks. */
  bots: Report["bots"];
  /** Social previews served to link-unfurling bots: neither clicks nor bot hits. */
  unfurls: Report["unfurls"];
  /** Clicks per routing target served: `default`, `ios`, `android`, `geo:XX`, `variant:N`, `fallback`. */
  targets: Report["targets"];
  /** Each A/B variant's clicks and unique visitors, by variant number (from 1). */
  variants: OneDialect<Report["variants"][number]>[];
}

/** Fields of a new link, in SmartLinks names. */
export type LinkCreateParams = OneDialect<Schemas["LinkCreate"]>;
/** Fields to change; `null` clears an option. */
export type LinkUpdateParams = OneDialect<Schemas["LinkPatch"]>;

/** Keeps one field of each dialect pair, the SmartLinks one. */
export function oneDialect<T extends object>(raw: T): OneDialect<T> {
  const out: Record<string, unknown> = {};
  const has = (key: string) => Object.prototype.hasOwnProperty.call(raw, key);
  for (const [key, value] of Object.entries(raw)) {
    const twin = key in RENAMED ? RENAMED[key as keyof typeof RENAMED] : camel(key);
    if (twin !== key && has(twin)) continue;
    out[key] = value;
  }
  return out as OneDialect<T>;
}

const RENAMED: Renamed = { slug: "shortCode", original_url: "url" };

function camel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function toAnalytics(raw: Report): Analytics {
  return {
    linkId: raw.linkId,
    shortCode: raw.slug,
    period: raw.period,
    clicks: raw.metrics.clicks,
    uniqueClicks: raw.metrics.uniqueClicks,
    platforms: raw.metrics.platforms,
    clicksByDate: raw.clicks_by_date,
    ...(raw.clicks_by_hour ? { clicksByHour: raw.clicks_by_hour } : {}),
    countries: raw.countries,
    devices: raw.devices,
    referrers: raw.referrers,
    browsers: raw.browsers,
    os: raw.os,
    sources: raw.sources,
    qrClicks: raw.qr_clicks,
    bots: raw.bots,
    unfurls: raw.unfurls,
    targets: raw.targets,
    variants: raw.variants.map((v) => oneDialect(v)),
  };
}
