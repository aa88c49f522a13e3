// /v1/account: the calling key's account, with its plan, limits and usage.
import type { RequestOptions, Transport } from "../http.js";
import type { Account as AccountModel } from "../models.js";

export class Account {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  get(options?: RequestOptions): Promise<AccountModel> {
    return this.#http.json<AccountModel>({ method: "GET", path: "/v1/account", options });
  }
}
