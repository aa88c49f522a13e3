// POST /v1/qr-codes: a QR code for a link or any URL, as bytes or a data URL.
import type { components } from "../generated/openapi.js";
import type { RequestOptions, Transport } from "../http.js";
import type { QrFormat } from "../models.js";

type Options = components["schemas"]["QrOptions"];

/** What to encode: a link (by id or short code) or any URL; and how it looks. */
export type QrCodeParams = Omit<Options, "linkId" | "slug" | "shortCode" | "url"> &
  ({ linkId: string } | { shortCode: string } | { url: string });

/** A rendered QR code. */
export interface QrImage {
  format: QrFormat;
  /** `image/svg+xml` or `image/png`. */
  contentType: string;
  data: Uint8Array;
  /** Send it back in `If-None-Match` to skip an unchanged download. */
  etag: string | undefined;
}

/** A QR code as a `data:image/…;base64,…` URL. */
export type QrDataUrl = components["schemas"]["QrJson"];

export class QrCodes {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** Renders a QR code image (SVG unless `format: "png"`). */
  async create(params: QrCodeParams, options?: RequestOptions): Promise<QrImage> {
    const response = await this.#http.send({
      method: "POST",
      path: "/v1/qr-codes",
      body: params,
      accept: "image/svg+xml, image/png",
      // Rendering creates nothing, so repeating it is harmless.
      idempotent: true,
      options,
    });
    return qrImage(response);
  }

  /** Renders a QR code as a `data:` URL, for an `<img src>`. */
  async createDataUrl(params: QrCodeParams, options?: RequestOptions): Promise<QrDataUrl> {
    return this.#http.json<QrDataUrl>({ method: "POST", path: "/v1/qr-codes", body: params, idempotent: true, options });
  }
}

export async function qrImage(response: Response): Promise<QrImage> {
  const contentType = (response.headers.get("content-type") ?? "").split(";")[0]!.trim();
  return {
    format: contentType === "image/png" ? "png" : "svg",
    contentType,
    data: new Uint8Array(await response.arrayBuffer()),
    etag: response.headers.get("etag") ?? undefined,
  };
}
