// docs/capacity-model.md quotes the tables docs/capacity-model.mjs computes:
// a change to the model's inputs must update the page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { render } from "../docs/capacity-model.mjs";

test("the capacity model page shows what the script computes", () => {
  const page = readFileSync(new URL("../docs/capacity-model.md", import.meta.url), "utf8");
  assert.ok(page.includes(render()), "run `node docs/capacity-model.mjs` and paste its output into docs/capacity-model.md");
});
