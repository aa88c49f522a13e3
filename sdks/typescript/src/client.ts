import { Transport, type ClientOptions } from "./http.js";
import { Account } from "./resources/account.js";
import { ApiKeys } from "./resources/api-keys.js";
import { Links } from "./resources/links.js";
import { QrCodes } from "./resources/qr-codes.js";

/**
 * The SmartLinks API client.
 *
 * ```ts
 * const client = new SmartLinks(); // SMARTLINKS_API_KEY and SMARTLINKS_BASE_URL
 * const link = await client.links.create({ url: "https://example.com" });
 * ```
 */
export class SmartLinks {
  readonly links: Links;
  readonly qrCodes: QrCodes;
  readonly apiKeys: ApiKeys;
  readonly account: Account;
  /** The API's origin this client talks to. */
  readonly baseUrl: string;

  constructor(options: ClientOptions = {}) {
    const http = new Transport(options);
    this.baseUrl = http.baseUrl;
    this.links = new Links(http);
    this.qrCodes = new QrCodes(http);
    this.apiKeys = new ApiKeys(http);
    this.account = new Account(http);
  }
}
