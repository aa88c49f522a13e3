// An analytics report as one CSV file in long format (section, name, clicks),
// which spreadsheets pivot easily. Cells are quoted per RFC 4180, and cells
// that a spreadsheet would run as a formula are prefixed with an apostrophe.

function cell(value) {
  let text = String(value ?? "");
  if (/^[=+\-@\t\r]/.test(text)) text = "'" + text;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const row = (...cells) => cells.map(cell).join(",");

export function reportCsv(report) {
  const lines = [row("section", "name", "clicks")];
  lines.push(row("summary", "clicks", report.total_clicks));
  lines.push(row("summary", "unique_visitors", report.unique_clicks));
  lines.push(row("summary", "qr_scans", report.qr_clicks));
  lines.push(row("summary", "bots", report.bots));
  lines.push(row("summary", "social_previews", report.unfurls ?? 0));
  for (const [k, v] of Object.entries(report.metrics.platforms)) lines.push(row("platform", k, v));
  for (const b of report.clicks_by_hour ?? []) lines.push(row("hour", b.hour, b.clicks));
  for (const b of report.clicks_by_date) lines.push(row("date", b.date, b.clicks));
  const lists = [
    ["country", report.countries, "country"],
    ["device", report.devices, "device"],
    ["browser", report.browsers, "browser"],
    ["os", report.os, "os"],
    ["referrer", report.referrers, "referrer"],
    ["source", report.sources, "source"],
    ["target", report.targets ?? [], "target"],
  ];
  for (const [section, items, key] of lists) for (const item of items) lines.push(row(section, item[key], item.clicks));
  for (const v of report.variants ?? []) lines.push(row("variant", v.variant, v.clicks));
  return lines.join("\r\n") + "\r\n";
}
