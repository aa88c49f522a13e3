// /v1/links: create, read, update, delete, list; a link's analytics and QR code.
import type { components, operations } from "../generated/openapi.js";
import type { RequestOptions, Transport } from "../http.js";
import { oneDialect, toAnalytics } from "../models.js";
import type { Analytics, AnalyticsPeriod, Link, LinkCreateParams, LinkUpdateParams } from "../models.js";
import { Page, PagePromise } from "../pagination.js";
import { qrImage, type QrDataUrl, type QrImage } from "./qr-codes.js";

export interface LinkListParams {
  /** The first page to read, from 1. Default 1. */
  page?: number;
  /** Links per page, 1–100. Default 20. */
  pageSize?: number;
  /** Case-insensitive match on title, URL and short code. */
  search?: string;
  /** Only links with this tag. */
  tag?: string;
}

/** A period ending now (default `30d`), or an inclusive `from`/`to` range (dates or RFC 3339 times, UTC). */
export type AnalyticsParams =
  | { period?: AnalyticsPeriod; from?: never; to?: never }
  | { from: string | Date; to: string | Date; period?: never };

/** Options of a link's QR code (see the API's QR options). */
export type LinkQrParams = NonNullable<operations["linkQrCode"]["parameters"]["query"]>;

type LinkList = components["schemas"]["LinkList"];
type RawLink = components["schemas"]["Link"];

export class Links {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** Creates a link; without `shortCode` it gets a random 7-character one. */
  async create(params: LinkCreateParams, options?: RequestOptions): Promise<Link> {
    return oneDialect(await this.#http.json<RawLink>({ method: "POST", path: "/v1/links", body: params, options }));
  }

  /** A link by id (`link_…`) or short code. */
  async get(idOrSlug: string, options?: RequestOptions): Promise<Link> {
    return oneDialect(await this.#http.json<RawLink>({ method: "GET", path: linkPath(idOrSlug), options }));
  }

  /** Changes the given fields; `null` clears an option. */
  async update(idOrSlug: string, params: LinkUpdateParams, options?: RequestOptions): Promise<Link> {
    return oneDialect(
      await this.#http.json<RawLink>({ method: "PATCH", path: linkPath(idOrSlug), body: params, options }),
    );
  }

  /** Deletes a link; its short URL stops redirecting at once. */
  async delete(idOrSlug: string, options?: RequestOptions): Promise<void> {
    await this.#http.json({ method: "DELETE", path: linkPath(idOrSlug), options });
  }

  /**
   * Links, newest first. Await it for one page, or iterate it for every link:
   * `for await (const link of client.links.list()) …`.
   */
  list(params: LinkListParams = {}, options?: RequestOptions): PagePromise<Link> {
    const load = async (page: number): Promise<Page<Link>> => {
      const raw = await this.#http.json<LinkList>({
        method: "GET",
        path: "/v1/links",
        query: { page, pageSize: params.pageSize, search: params.search, tag: params.tag },
        options,
      });
      return new Page(raw.links.map(oneDialect), raw, load);
    };
    return new PagePromise(() => load(params.page ?? 1));
  }

  /** Click analytics over a period ending now (`{ period: "7d" }`) or a `{ from, to }` range. */
  async analytics(idOrSlug: string, params: AnalyticsParams = {}, options?: RequestOptions): Promise<Analytics> {
    const raw = await this.#http.json<components["schemas"]["Analytics"]>({
      method: "GET",
      path: `${linkPath(idOrSlug)}/analytics`,
      query: { period: params.period, from: params.from, to: params.to },
      options,
    });
    return toAnalytics(raw);
  }

  /** The link's QR code image (SVG unless `format: "png"`). */
  async qrCode(idOrSlug: string, params: LinkQrParams = {}, options?: RequestOptions): Promise<QrImage> {
    const response = await this.#http.send({
      method: "GET",
      path: `${linkPath(idOrSlug)}/qr`,
      query: { ...params },
      accept: "image/svg+xml, image/png",
      options,
    });
    return qrImage(response);
  }

  /** The link's QR code as a `data:` URL, for an `<img src>`. */
  async qrCodeDataUrl(idOrSlug: string, params: LinkQrParams = {}, options?: RequestOptions): Promise<QrDataUrl> {
    return this.#http.json<QrDataUrl>({ method: "GET", path: `${linkPath(idOrSlug)}/qr`, query: { ...params }, options });
  }
}

function linkPath(idOrSlug: string): string {
  if (!idOrSlug) throw new TypeError("a link id or short code is required");
  return `/v1/links/${encodeURIComponent(idOrSlug)}`;
}
