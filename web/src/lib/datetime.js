// <input type="datetime-local"> speaks local wall time without a zone; the
// API speaks RFC 3339 UTC.

const pad = (n) => String(n).padStart(2, "0");

/** "2026-12-31T23:59:00Z" → "2027-01-01T00:59" in the browser's zone. */
export function toLocalInput(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The reverse: local wall time → RFC 3339 UTC, or null for an empty input. */
export function fromLocalInput(value) {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString().replace(/\.000Z$/, "Z");
}
