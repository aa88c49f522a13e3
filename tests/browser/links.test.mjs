// Links in the dashboard: create one with options (the UTM preview live),
// follow it in the browser, see the click on its chart; field errors next to
// their inputs; search, tag filter, sort and pagination; copy; delete.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { startApp, signUp, capture, email, eventually, PASSWORD } from "./support.mjs";

let app;
before(async () => {
  app = await startApp();
});
after(() => app?.close());

/**
 * The destination site: a real server on loopback that records what it was
 * asked for, closed when the test `t` ends, passed or failed.
 */
async function startShop(t) {
  const visits = [];
  const server = createServer((req, res) => {
    visits.push(req.url);
    res.writeHead(200, { "Content-Type": "text/html" }).end("<!doctype html><title>Shop</title><h1>Shop</h1>");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  };
  t.after(close);
  return { origin: `http://127.0.0.1:${server.address().port}`, visits };
}

test("create a link with options, follow it, and see the click on its chart", async (t) => {
  const page = await app.page();
  await signUp(page, email("creator"), PASSWORD);
  await page.getByRole("link", { name: "New link" }).click();
  await page.getByRole("heading", { name: "New link" }).waitFor();

  const shop = await startShop(t);
  await page.getByLabel("Destination URL").fill(`${shop.origin}/summer?ref=home`);
  await page.getByLabel("Slug").fill("summer-sale");
  await page.getByLabel("Title", { exact: true }).fill("Summer sale");
  await page.getByLabel("Tags").fill("launch, print");
  await page.getByLabel("Android destination").fill("https://play.example.com/app");
  await page.getByLabel("Redirect type").selectOption("307");
  await page.getByLabel("utm_source").fill("newsletter");
  await page.getByLabel("utm_campaign").fill("summer");
  // The live preview of where visitors go, before anything is saved.
  assert.equal(
    await page.locator("#link-final-url").innerText(),
    `${shop.origin}/summer?ref=home&utm_source=newsletter&utm_campaign=summer`,
  );
  await capture(page, "link-new");
  await page.getByRole("button", { name: "Create link" }).click();

  // The new link's settings page, with what was saved.
  await page.getByRole("heading", { name: "Link settings" }).waitFor();
  const shortUrl = `${app.origin}/summer-sale`;
  await page.getByRole("link", { name: shortUrl }).waitFor();
  assert.equal(await page.getByLabel("Redirect type").inputValue(), "307");
  assert.equal(await page.getByLabel("Tags").inputValue(), "launch, print");
  await capture(page, "link-edit");

  // Follow it as a visitor does: the redirect adds the UTM parameters.
  const visitor = await app.page();
  await visitor.goto(shortUrl);
  await visitor.getByRole("heading", { name: "Shop" }).waitFor();
  assert.equal(shop.visits[0], "/summer?ref=home&utm_source=newsletter&utm_campaign=summer");
  await visitor.context().close();

  // The click shows on the analytics page (counted after the redirect answered).
  await page.getByRole("link", { name: "Analytics" }).click();
  await page.getByRole("heading", { name: "Analytics", level: 1 }).waitFor();
  const counted = await eventually(async () => {
    await page.reload();
    await page.locator("#stat-clicks").waitFor();
    return (await page.locator("dd[aria-labelledby=stat-clicks]").innerText()) === "1";
  });
  assert.ok(counted, "the click never showed in the analytics");
  // The chart (uPlot draws on a canvas) and its table of numbers agree.
  await page.locator(".chart-box canvas").waitFor();
  await page.getByText("Show the numbers").click();
  const today = new Date().toISOString().slice(0, 10);
  const row = page.locator("table.data tr", { has: page.getByRole("rowheader", { name: today }) });
  assert.equal(await row.locator("td").innerText(), "1");
  assert.match(await page.locator("#chart-summary").innerText(), /^1 clicks? from /);
  await capture(page, "analytics-7d");

  // The same report as CSV.
  const [csv] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
  assert.match(csv.suggestedFilename(), /^summer-sale-analytics-\d{4}-\d\d-\d\d-to-\d{4}-\d\d-\d\d\.csv$/);
  const lines = readFileSync(await csv.path(), "utf8").split("\r\n");
  assert.equal(lines[0], "section,name,clicks");
  assert.ok(lines.includes("summary,clicks,1"), lines.join("\n"));
  assert.ok(lines.includes(`date,${today},1`), lines.join("\n"));
  assert.ok(lines.includes("referrer,direct,1"), lines.join("\n"));

  // Hourly for 24 hours.
  await page.getByText("24 hours").click();
  await page.getByRole("heading", { name: "Clicks per hour" }).waitFor();
  await capture(page, "analytics-24h");

  // A custom range, daily.
  await page.getByText("Custom").click();
  await page.getByLabel("From", { exact: true }).fill(today);
  await page.getByLabel("To", { exact: true }).fill(today);
  await page.getByRole("button", { name: "Show" }).click();
  await page.getByText(`${today} 00:00 to ${today} 23:59 UTC`).waitFor();
  assert.equal(await page.locator("dd[aria-labelledby=stat-clicks]").innerText(), "1");
  await capture(page, "analytics-custom");
  await page.context().close();
});

test("an API error appears next to the field it names", async () => {
  const page = await app.page();
  await signUp(page, email("fields"), PASSWORD);
  await page.goto("/dashboard/links/new");
  await page.getByLabel("Destination URL").fill("https://example.com/a");
  await page.getByLabel("Slug").fill("docs");
  await page.getByRole("button", { name: "Create link" }).click();
  const slug = page.getByLabel("Slug");
  await page.locator("#link-slug-error").waitFor();
  assert.equal(await slug.getAttribute("aria-invalid"), "true");
  assert.match(await page.locator("#link-slug-error").innerText(), /reserved/);
  assert.match(await slug.getAttribute("aria-describedby"), /link-slug-error/);
  await capture(page, "link-field-error");

  await page.getByLabel("Slug").fill("fine-slug");
  await page.getByLabel("Destination URL").fill("javascript:alert(1)");
  await page.getByRole("button", { name: "Create link" }).click();
  await page.locator("#link-url-error").waitFor();
  assert.match(await page.locator("#link-url-error").innerText(), /http or https/);
  await page.context().close();
});

test("the links table searches, filters by tag, sorts, pages, copies and deletes", async () => {
  const page = await app.page();
  await signUp(page, email("table"), PASSWORD);
  // Seed through the same API the dashboard uses, with the page's own session.
  const csrf = await page.evaluate(async () => (await (await fetch("/v1/auth/session")).json()).csrfToken);
  for (let i = 1; i <= 23; i++) {
    const res = await page.request.post("/v1/links", {
      headers: { "X-CSRF-Token": csrf },
      data: { url: `https://example.com/item/${i}`, slug: `item-${String(i).padStart(2, "0")}`, title: `Item ${i}`, tags: i % 2 ? ["odd"] : ["even"] },
    });
    assert.equal(res.status(), 201, await res.text());
  }
  await page.goto("/");
  await page.getByRole("cell", { name: /item-23/ }).first().waitFor();
  assert.equal(await page.locator("table.links tbody tr").count(), 20);
  await page.getByText("1–20 of 23").waitFor();
  await capture(page, "links");

  await page.getByRole("button", { name: "Next" }).click();
  await page.getByText("21–23 of 23").waitFor();
  assert.equal(await page.locator("table.links tbody tr").count(), 3);
  assert.match(page.url(), /page=2/);

  await page.getByLabel("Sort", { exact: true }).selectOption("slug");
  await page.getByText("1–20 of 23").waitFor();
  assert.match(await page.locator("table.links tbody tr").first().innerText(), /item-01/);

  await page.getByLabel("Tag", { exact: true }).selectOption("even");
  await page.getByText("1–11 of 11").waitFor();

  await page.getByLabel("Search", { exact: true }).fill("item-14");
  await page.getByText("1–1 of 1").waitFor();

  await page.getByRole("button", { name: `Copy ${app.origin}/item-14` }).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `${app.origin}/item-14`);

  await page.getByRole("button", { name: "Delete item-14" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete this link?" });
  await dialog.waitFor();
  await capture(page, "link-delete-confirm");
  await dialog.getByRole("button", { name: "Delete link" }).click();
  await page.getByText("No links match.").waitFor();
  assert.equal((await page.request.get(`${app.origin}/item-14`, { maxRedirects: 0 })).status(), 404);
  await page.context().close();
});

/** Presses Tab until the focused element is named `name` (its label, aria-label or text). */
async function tabTo(page, name, limit = 60) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      return (el.getAttribute("aria-label") ?? el.labels?.[0]?.textContent ?? el.textContent ?? "").trim();
    });
    if (focused === name) return;
  }
  assert.fail(`Tab never reached "${name}"`);
}

test("the dashboard works from the keyboard alone", async () => {
  const page = await app.page();
  await signUp(page, email("keyboard"), PASSWORD);
  // On a fresh load the first Tab reaches the skip link.
  await page.reload();
  await page.getByRole("heading", { name: "Links", exact: true, level: 1 }).waitFor();
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Skip to content");

  await tabTo(page, "New link");
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "New link" }).waitFor();
  await tabTo(page, "Destination URL");
  await page.keyboard.type("https://example.com/typed");
  await tabTo(page, "Slug");
  await page.keyboard.type("typed");
  await page.keyboard.press("Enter"); // submits the form
  await page.getByRole("heading", { name: "Link settings" }).waitFor();

  await tabTo(page, "Links");
  await page.keyboard.press("Enter");
  await page.getByRole("cell", { name: /typed/ }).first().waitFor();
  await tabTo(page, "Delete typed");
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Delete this link?" });
  await dialog.waitFor();
  // Focus starts on Cancel; Escape closes the dialog and gives focus back.
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Cancel");
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("aria-label")), "Delete typed");
  await page.context().close();
});

test("geo targets, an A/B test and a social preview are set in the editor, and routing follows them", async (t) => {
  const page = await app.page();
  await signUp(page, email("routing"), PASSWORD);
  const shop = await startShop(t);
  await page.goto("/dashboard/links/new");
  await page.getByLabel("Destination URL").fill(`${shop.origin}/default`);
  await page.getByLabel("Slug").fill("routed");
  await page.getByRole("button", { name: "Add a country" }).click();
  await page.getByLabel("Country 1", { exact: true }).fill("us");
  await page.getByLabel("Destination for country 1").fill(`${shop.origin}/americas`);
  await page.getByRole("button", { name: "Start an A/B test" }).click();
  await page.getByLabel("Variant 1 URL").fill(`${shop.origin}/a`);
  await page.getByLabel("Variant 2 URL").fill(`${shop.origin}/b`);
  await page.getByLabel("Percent").nth(1).fill("60");
  await page.getByLabel("Preview title").fill("Spring sale");
  await page.getByRole("button", { name: "Create link" }).click();
  // 50 + 60 is not 100: the worker says so, next to the A/B test.
  await page.locator("#link-testVariants-error").waitFor();
  assert.match(await page.locator("#link-testVariants-error").innerText(), /100/);
  await capture(page, "link-routing-error");
  await page.getByLabel("Percent").nth(1).fill("50");
  await page.getByRole("button", { name: "Create link" }).click();
  await page.getByRole("heading", { name: "Link settings" }).waitFor();
  assert.equal(await page.getByLabel("Country 1", { exact: true }).inputValue(), "US");
  assert.equal(await page.getByLabel("Preview title").inputValue(), "Spring sale");

  // The test worker's visitors come from the US, so the geo target wins over the A/B test.
  const visitor = await app.page();
  await visitor.goto(`${app.origin}/routed`);
  await visitor.getByRole("heading", { name: "Shop" }).waitFor();
  assert.equal(shop.visits[0], "/americas");
  await visitor.context().close();

  // Removing the country leaves the A/B test in charge.
  await page.getByRole("button", { name: "Remove country 1" }).click();
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByText("Link saved.").waitFor();
  const link = await (await page.request.get("/v1/links/routed")).json();
  assert.equal(link.geo, null);
  assert.deepEqual(link.testVariants.map((v) => v.percentage), [50, 50]);
  assert.equal(link.og.title, "Spring sale");
  await page.context().close();
});
