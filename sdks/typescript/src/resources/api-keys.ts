// /v1/api-keys: create, list, read and revoke the account's keys.
import type { operations } from "../generated/openapi.js";
import type { RequestOptions, Transport } from "../http.js";
import type { ApiKey, ApiKeyCreated, Scope } from "../models.js";

export interface ApiKeyCreateParams {
  name?: string;
  /** Default: the calling key's scopes; a key cannot grant a scope it lacks. */
  scopes?: Scope[];
}

type KeyList = operations["listApiKeys"]["responses"][200]["content"]["application/json"];
type Revoked = operations["revokeApiKey"]["responses"][200]["content"]["application/json"];

export class ApiKeys {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** Creates a key. Its secret, `key`, is in this answer only: store it now. */
  create(params: ApiKeyCreateParams = {}, options?: RequestOptions): Promise<ApiKeyCreated> {
    return this.#http.json<ApiKeyCreated>({ method: "POST", path: "/v1/api-keys", body: params, options });
  }

  /** Every key of the account, revoked ones included, never their secrets. */
  async list(options?: RequestOptions): Promise<ApiKey[]> {
    return (await this.#http.json<KeyList>({ method: "GET", path: "/v1/api-keys", options })).apiKeys;
  }

  get(id: string, options?: RequestOptions): Promise<ApiKey> {
    return this.#http.json<ApiKey>({ method: "GET", path: keyPath(id), options });
  }

  /** Revokes a key: its next request is refused. Returns the revoked key. */
  async revoke(id: string, options?: RequestOptions): Promise<ApiKey> {
    return (await this.#http.json<Revoked>({ method: "DELETE", path: keyPath(id), options })).apiKey;
  }
}

function keyPath(id: string): string {
  if (!id) throw new TypeError("an API key id is required");
  return `/v1/api-keys/${encodeURIComponent(id)}`;
}
