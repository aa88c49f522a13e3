// Display formatting shared by the pages.

const dateFmt = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const dateTimeFmt = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const numberFmt = new Intl.NumberFormat();

export const formatDate = (iso) => (iso ? dateFmt.format(new Date(iso)) : "—");
export const formatDateTime = (iso) => (iso ? dateTimeFmt.format(new Date(iso)) : "—");
export const formatNumber = (n) => (n === null || n === undefined ? "—" : numberFmt.format(n));

/** "https://example.com/a/very/long…" for table cells; the full URL stays in the title. */
export function shortened(text, max = 60) {
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}
