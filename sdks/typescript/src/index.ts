export { SmartLinks } from "./client.js";
export { SmartLinks as default } from "./client.js";
export type { ClientOptions, RequestOptions } from "./http.js";
export { USER_AGENT } from "./http.js";
export { VERSION } from "./version.js";
export * from "./errors.js";
export type {
  Account,
  Analytics,
  AnalyticsPeriod,
  ApiKey,
  ApiKeyCreated,
  ErrorCorrection,
  Limits,
  Link,
  LinkCreateParams,
  LinkUpdateParams,
  OneDialect,
  Plan,
  QrFormat,
  QrStyle,
  Scope,
} from "./models.js";
export { Page, PagePromise, type PageInfo } from "./pagination.js";
export type { AnalyticsParams, LinkListParams, LinkQrParams } from "./resources/links.js";
export type { QrCodeParams, QrDataUrl, QrImage } from "./resources/qr-codes.js";
export type { ApiKeyCreateParams } from "./resources/api-keys.js";
export type { components, operations, paths } from "./generated/openapi.js";
