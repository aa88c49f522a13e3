// Type-level tests, compiled (not run) by `tsc -p tsconfig.test.json`: the
// public models carry one name per field, and the parameters are checked.
import { SmartLinks, type Analytics, type Link, type LinkCreateParams, type QrCodeParams } from "../src/index.js";

declare const link: Link;
const shortCode: string = link.shortCode;
const shortUrl: string = link.shortUrl;
const maxClicks: number | null = link.maxClicks;
// @ts-expect-error the SMO1 twin of shortUrl is dropped
link.short_url;
// @ts-expect-error the SMO1 name of shortCode is dropped
link.slug;
// @ts-expect-error the SMO1 name of the destination is dropped
link.original_url;

declare const report: Analytics;
const clicks: number = report.clicks;
// @ts-expect-error the report has one name per figure
report.total_clicks;

const create: LinkCreateParams = { url: "https://example.com", shortCode: "spring", maxClicks: 5 };
// @ts-expect-error SMO1 names are not part of the SDK's parameters
const smo1: LinkCreateParams = { url: "https://example.com", expires_at: null };
// @ts-expect-error a QR code needs what to encode
const nothing: QrCodeParams = { size: 100 };

async function calls(client: SmartLinks): Promise<void> {
  await client.links.analytics("x", { period: "7d" });
  await client.links.analytics("x", { from: new Date(), to: "2026-01-31" });
  // @ts-expect-error a period or a range, not both
  await client.links.analytics("x", { period: "7d", from: "2026-01-01", to: "2026-01-31" });
  // @ts-expect-error not a period the API knows
  await client.links.analytics("x", { period: "1y" });
  for await (const each of client.links.list({ pageSize: 100 })) each.shortCode.toUpperCase();
}

export { shortCode, shortUrl, maxClicks, clicks, create, smo1, nothing, calls };
