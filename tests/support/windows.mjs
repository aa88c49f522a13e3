// Limits that count in fixed wall-clock windows, `floor(now / window)`: a
// burst that straddles a window's end starts a fresh count, so a test that
// expects a burst to be refused waits for a fresh window when the current
// one is nearly over. (The API's rate limits are GCRA, with no window ends:
// src/core/ratelimit.)

/** Miniflare's Rate Limiting bindings (`[[ratelimits]]`, `period = 60`). */
export const MINUTE = 60_000;

/**
 * The link-password attempt counter and the sign-in and sign-up limits
 * (`WINDOW_MILLIS` in src/core/attempts.rs).
 */
export const ATTEMPT_WINDOW = 15 * 60_000;

/** Waits for the next `window` if less than `margin` ms of this one is left. */
export async function inOneWindow(window, margin = 15_000) {
  const left = window - (Date.now() % window);
  if (left < margin) await new Promise((resolve) => setTimeout(resolve, left + 100));
}
