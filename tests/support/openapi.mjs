// Checks every API response the end-to-end suite sees against openapi.json:
// the operation must exist, the status must be documented, and a JSON body
// must validate against the documented schema.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const spec = JSON.parse(readFileSync(new URL("../../openapi.json", import.meta.url), "utf8"));
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: "openapi.json", components: spec.components });

/** Path templates as regular expressions, most literal first. */
const templates = Object.keys(spec.paths)
  .map((template) => ({
    template,
    regex: new RegExp(
      "^" +
        template
          .split(/(\{[^}]+\})/)
          .map((part) => (part.startsWith("{") ? "[^/]+" : part.replace(/[.*+?^$()|[\]\\]/g, "\\$&")))
          .join("") +
        "$",
    ),
    literal: template.replace(/\{[^}]+\}/g, "").length,
  }))
  .sort((a, b) => b.literal - a.literal);

const validators = new Map();
function validatorFor(template, method, status, schema) {
  const key = `${method} ${template} ${status}`;
  if (!validators.has(key)) {
    const rewritten = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi.json#/components/'));
    validators.set(key, ajv.compile(rewritten));
  }
  return validators.get(key);
}

/**
 * Throws when the response is not what openapi.json documents. Responses to
 * paths or methods the API does not serve (404/405 for unknown routes) are
 * checked against the error schema only.
 */
export function assertDocumented(method, pathname, response) {
  const match = templates.find((t) => t.regex.test(pathname));
  const operation = match && spec.paths[match.template][method.toLowerCase()];
  if (!operation) {
    if (![404, 405].includes(response.status) || !response.json?.error) {
      throw new Error(`${method} ${pathname}: not in openapi.json, yet answered ${response.status}`);
    }
    return;
  }
  const documented = operation.responses[String(response.status)];
  if (!documented) {
    throw new Error(`${method} ${match.template}: status ${response.status} is not documented (body: ${response.text.slice(0, 200)})`);
  }
  const type = (response.headers.get("content-type") ?? "").split(";")[0];
  const media = documented.content?.[type];
  if (documented.content && !media) {
    throw new Error(`${method} ${match.template} ${response.status}: content type '${type}' is not documented`);
  }
  if (media?.schema && type === "application/json") {
    const validate = validatorFor(match.template, method, response.status, media.schema);
    if (!validate(response.json)) {
      throw new Error(
        `${method} ${match.template} ${response.status}: body does not match openapi.json: ${ajv.errorsText(validate.errors)}\n${response.text.slice(0, 500)}`,
      );
    }
  }
}
