// Browser tests: the built worker (with the dashboard's static assets) served
// by Miniflare on a loopback port, driven by Debian's headless Chromium
// through playwright-core. Every page a test visits can be screenshotted at
// 1280 and 375 px (into tests/browser/screenshots/, git-ignored) and checked
// with axe-core for serious and critical accessibility violations.
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import { AxeBuilder } from "@axe-core/playwright";
import { startWorker } from "../support/worker.mjs";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOTS = new URL("./screenshots/", import.meta.url).pathname;
export const WIDTHS = { desktop: 1280, phone: 375 };
/** Chromium's own headless user agent says HeadlessChrome, which analytics
 * rightly counts as a bot; the people these tests play are not. */
const USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/148.0.0.0 Safari/537.36";

/**
 * A worker on 127.0.0.1 and a headless Chromium. `bindings` override
 * wrangler.toml vars (e.g. SIGNUP_ENABLED). Dispose with `app.close()`.
 */
export async function startApp({ bindings = {} } = {}) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: run bash scripts/setup.sh (it installs Debian's chromium)`);
  }
  const worker = await startWorker({ port: 0, bindings });
  const origin = worker.url.origin ?? new URL(worker.url).origin;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
  });
  return {
    worker,
    browser,
    origin,
    /** A fresh browser profile (no cookies) at `width`, with clipboard access. */
    async page({ width = WIDTHS.desktop } = {}) {
      const context = await browser.newContext({
        baseURL: origin,
        viewport: { width, height: width < 600 ? 800 : 900 },
        acceptDownloads: true,
        userAgent: USER_AGENT,
        permissions: ["clipboard-read", "clipboard-write"],
      });
      const page = await context.newPage();
      page.cspViolations = [];
      page.on("console", (msg) => {
        if (msg.type() === "error" && /Content Security Policy/i.test(msg.text())) page.cspViolations.push(msg.text());
      });
      page.on("pageerror", (err) => {
        page.jsErrors ??= [];
        page.jsErrors.push(err.message);
      });
      return page;
    },
    async close() {
      await browser.close();
      await worker.dispose();
    },
  };
}

/** Signs up through the form; resolves once the links page shows. */
export async function signUp(page, email, password, accountName) {
  await page.goto("/signup");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  if (accountName) await page.getByLabel("Account name (optional)").fill(accountName);
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.getByRole("heading", { name: "Links", exact: true, level: 1 }).waitFor();
}

/** Signs in through the form at /signin; resolves once the links page shows. */
export async function signIn(page, email, password) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Links", exact: true, level: 1 }).waitFor();
}

/** A unique address per call, so tests in one worker never collide. */
let counter = 0;
export const email = (name = "person") => `${name}.${process.pid}.${++counter}@example.com`;
export const PASSWORD = "correct horse battery staple";

/**
 * Saves a full-page screenshot of what the page shows now as
 * screenshots/<name>-<width>.png, at both widths (the viewport is resized and
 * restored), and checks the page at each width with axe-core.
 */
export async function capture(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const original = page.viewportSize();
  for (const [label, width] of Object.entries(WIDTHS)) {
    await page.setViewportSize({ width, height: width < 600 ? 800 : 900 });
    await page.waitForTimeout(50);
    await page.screenshot({ path: `${SCREENSHOTS}${name}-${width}.png`, fullPage: true });
    await assertAccessible(page, `${name} at ${width} px (${label})`);
  }
  await page.setViewportSize(original);
}

/** No serious or critical axe-core violations on the page as it is now. */
export async function assertAccessible(page, what) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(
    bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join("; ")})`),
    [],
    `axe-core found serious or critical violations on ${what}`,
  );
}

/** Polls `fn` until it returns a truthy value or `ms` pass. */
export async function eventually(fn, ms = 10_000, step = 200) {
  const until = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, step));
  }
}
