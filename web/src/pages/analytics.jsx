// A link's analytics: clicks over time (hourly for 24 hours, daily
// otherwise) drawn by uPlot, unique visitors, QR scans against link clicks,
// and the breakdowns (routing targets and A/B variants among them), for a
// chosen period; CSV export of the same report.
import { useEffect, useState } from "preact/hooks";
import { useRoute } from "preact-iso";
import { get, seg } from "../api.js";
import { LinkHead, LinkLoading, useLink } from "../components/link-head.jsx";
import { TimeChart } from "../components/time-chart.jsx";
import { formatNumber } from "../lib/format.js";
import { reportCsv } from "../lib/csv.js";
import { downloadBlob } from "../lib/download.js";
import { useTitle } from "../lib/title.js";

const PERIODS = [
  ["24h", "24 hours"],
  ["7d", "7 days"],
  ["30d", "30 days"],
  ["90d", "90 days"],
  ["custom", "Custom"],
];

const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

export function Analytics() {
  const { params } = useRoute();
  const { link, error } = useLink(params.id);
  useTitle(link ? `Analytics for ${link.slug}` : "Analytics");
  if (!link) return <LinkLoading error={error} />;
  return <Report key={link.id} link={link} />;
}

function Report({ link }) {
  const [period, setPeriod] = useState("7d");
  const [range, setRange] = useState({ from: daysAgo(13), to: today() });
  const [applied, setApplied] = useState(null);
  const [state, setState] = useState({ report: null, error: null, loading: true });

  const query = period === "custom" ? applied : { period };

  useEffect(() => {
    if (!query) return;
    const abort = new AbortController();
    setState((s) => ({ ...s, loading: true, error: null }));
    get(`/v1/links/${seg(link.id)}/analytics`, { query, signal: abort.signal }).then(
      (report) => setState({ report, error: null, loading: false }),
      (error) => error.name !== "AbortError" && setState({ report: null, error, loading: false }),
    );
    return () => abort.abort();
  }, [link.id, JSON.stringify(query)]);

  const exportCsv = () => {
    const { report } = state;
    const name = `${link.slug}-analytics-${report.period.from.slice(0, 10)}-to-${report.period.to.slice(0, 10)}.csv`;
    downloadBlob(new Blob([reportCsv(report)], { type: "text/csv;charset=utf-8" }), name);
  };

  const { report } = state;
  return (
    <section>
      <LinkHead link={link} current="analytics" title="Analytics" />
      <div class="period-bar">
        <fieldset class="segmented">
          <legend>Period</legend>
          {PERIODS.map(([value, label]) => (
            <label key={value} class={period === value ? "on" : ""}>
              <input type="radio" name="period" value={value} checked={period === value} onChange={() => setPeriod(value)} />
              {label}
            </label>
          ))}
        </fieldset>
        {period === "custom" && (
          <form
            class="range"
            onSubmit={(e) => {
              e.preventDefault();
              setApplied({ from: range.from, to: range.to });
            }}
          >
            <div class="field">
              <label for="range-from">From</label>
              <input id="range-from" type="date" value={range.from} max={range.to} onInput={(e) => setRange({ ...range, from: e.currentTarget.value })} />
            </div>
            <div class="field">
              <label for="range-to">To</label>
              <input id="range-to" type="date" value={range.to} min={range.from} onInput={(e) => setRange({ ...range, to: e.currentTarget.value })} />
            </div>
            <button type="submit" class="secondary">
              Show
            </button>
          </form>
        )}
        <button type="button" class="secondary" disabled={!report} onClick={exportCsv}>
          Export CSV
        </button>
      </div>

      {state.error && (
        <div class="alert" role="alert">
          {state.error.message}
        </div>
      )}
      {period === "custom" && !applied && <p class="muted">Choose the dates and press Show.</p>}
      {state.loading && query && (
        <p role="status" class="muted">
          Loading analytics…
        </p>
      )}
      {report && <Figures report={report} />}
    </section>
  );
}

function Figures({ report }) {
  const hourly = Array.isArray(report.clicks_by_hour) && report.clicks_by_hour.length > 0;
  const series = hourly
    ? report.clicks_by_hour.map((b) => [Date.parse(b.hour) / 1000, b.clicks])
    : report.clicks_by_date.map((b) => [Date.parse(b.date + "T00:00:00Z") / 1000, b.clicks]);
  const linkClicks = Math.max(0, report.total_clicks - report.qr_clicks);
  const from = report.period.from.slice(0, 16).replace("T", " ");
  const to = report.period.to.slice(0, 16).replace("T", " ");
  return (
    <>
      <p class="muted">
        {from} to {to} UTC
      </p>
      <dl class="stats">
        <Stat label="Clicks" value={report.total_clicks} id="stat-clicks" />
        <Stat label="Unique visitors" value={report.unique_clicks} id="stat-unique" />
        <Stat label="QR scans" value={report.qr_clicks} id="stat-qr" />
        <Stat label="Link clicks" value={linkClicks} id="stat-link" />
        <Stat label="Bots (not counted)" value={report.bots} id="stat-bots" />
        <Stat label="Social previews" value={report.unfurls ?? 0} id="stat-unfurls" />
      </dl>
      <div class="card">
        <h2 id="chart-title">Clicks per {hourly ? "hour" : "day"}</h2>
        <TimeChart
          labelledBy="chart-title"
          hourly={hourly}
          series={[
            { label: "Clicks", points: series, color: "#1d4ed8" },
          ]}
        />
      </div>
      <div class="breakdowns">
        <Breakdown title="QR scans and link clicks" rows={[["Link clicks", linkClicks], ["QR scans", report.qr_clicks]]} total={report.total_clicks} />
        <Breakdown title="Platforms" rows={Object.entries(report.metrics.platforms).map(([k, v]) => [platformName(k), v])} total={report.total_clicks} />
        <Breakdown title="Countries" rows={report.countries.map((r) => [countryName(r.country), r.clicks])} total={report.total_clicks} />
        <Breakdown title="Devices" rows={report.devices.map((r) => [r.device, r.clicks])} total={report.total_clicks} />
        <Breakdown title="Browsers" rows={report.browsers.map((r) => [r.browser, r.clicks])} total={report.total_clicks} />
        <Breakdown title="Operating systems" rows={report.os.map((r) => [r.os, r.clicks])} total={report.total_clicks} />
        <Breakdown title="Referrers" rows={report.referrers.map((r) => [r.referrer, r.clicks])} total={report.total_clicks} />
        <Breakdown title="Routing targets" rows={(report.targets ?? []).map((r) => [targetName(r.target), r.clicks])} total={report.total_clicks} />
        {(report.variants ?? []).length > 0 && (
          <Breakdown
            title="A/B variants"
            rows={report.variants.map((v) => [`Variant ${v.variant} (${formatNumber(v.uniqueClicks)} unique)`, v.clicks])}
            total={report.total_clicks}
          />
        )}
      </div>
    </>
  );
}

/** "geo:DE" → "Germany (DE)", "variant:2" → "Variant 2", … */
function targetName(target) {
  const [kind, value] = target.split(":");
  if (kind === "geo") return `Geo: ${countryName(value)}`;
  if (kind === "variant") return `Variant ${value}`;
  return { default: "Destination", ios: "iOS target", android: "Android target", fallback: "Fallback (expired)" }[kind] ?? target;
}

const platformName = (key) => ({ ios: "iOS", android: "Android", web: "Other (web)" })[key] ?? key;

let regionNames;
function countryName(code) {
  try {
    regionNames ??= new Intl.DisplayNames(undefined, { type: "region" });
    return `${regionNames.of(code) ?? code} (${code})`;
  } catch {
    return code;
  }
}

function Stat({ label, value, id }) {
  return (
    <div class="stat">
      <dt id={id}>{label}</dt>
      <dd aria-labelledby={id}>{formatNumber(value)}</dd>
    </div>
  );
}

/** A ranked list with proportional bars: the numbers are the content, the bars decoration. */
function Breakdown({ title, rows, total }) {
  return (
    <div class="card breakdown">
      <h2>{title}</h2>
      {rows.length === 0 || total === 0 ? (
        <p class="muted">No clicks in this period.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{title === "QR scans and link clicks" ? "Source" : "Name"}</th>
              <th scope="col" class="num">
                Clicks
              </th>
              <th scope="col" class="num">
                Share
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([name, clicks]) => {
              const share = total ? (clicks / total) * 100 : 0;
              return (
                <tr key={name}>
                  <th scope="row">
                    <span class="bar" style={{ width: `${share}%` }} aria-hidden="true" />
                    <span class="bar-label">{name}</span>
                  </th>
                  <td class="num">{formatNumber(clicks)}</td>
                  <td class="num">{share.toFixed(0)}%</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
