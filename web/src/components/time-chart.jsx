// Clicks over time, drawn by uPlot (a maintained charting library, ~20 KiB
// gzip, loaded only with the analytics page). For screen readers the chart
// is one image with a summary, and the numbers are in a table below it.
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { formatNumber } from "../lib/format.js";

const utc = (seconds) => uPlot.tzDate(new Date(seconds * 1000), "Etc/UTC");
const label = (seconds, hourly) => new Date(seconds * 1000).toISOString().slice(0, hourly ? 16 : 10).replace("T", " ");
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** Axis labels in UTC: "14:00" for hours, "Nov 21" for days. */
function tick(seconds, hourly) {
  const d = new Date(seconds * 1000);
  return hourly ? `${String(d.getUTCHours()).padStart(2, "0")}:00` : `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
}

/** `series`: [{label, color, points: [[unixSeconds, value], …]}], one shared x axis. */
export function TimeChart({ series, hourly, labelledBy }) {
  const box = useRef(null);
  const xs = series[0]?.points.map(([x]) => x) ?? [];
  const step = hourly ? 3600 : 86400;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = () => Math.max(280, el.clientWidth);
    const plot = new uPlot(
      {
        width: width(),
        height: 240,
        tzDate: utc,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: {
          // Half a bucket of room on each side, so the first and last bars show whole.
          x: { time: true, range: (u, min, max) => [min - step / 2, max + step / 2] },
          y: { range: (u, min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] },
        },
        axes: [
          {
            stroke: "#374151",
            grid: { stroke: "#e5e7eb" },
            space: hourly ? 50 : 60,
            values: (u, ticks) => ticks.map((t) => tick(t, hourly)),
          },
          { stroke: "#374151", grid: { stroke: "#e5e7eb" }, values: (u, ticks) => ticks.map((t) => (Number.isInteger(t) ? formatNumber(t) : "")) },
        ],
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            fill: s.color + "33",
            width: 2,
            paths: uPlot.paths.bars({ size: [0.8, 40] }),
            points: { show: false },
          })),
        ],
      },
      [xs, ...series.map((s) => s.points.map(([, y]) => y))],
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: 240 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [JSON.stringify(series), hourly, step]);

  const total = series[0]?.points.reduce((sum, [, y]) => sum + y, 0) ?? 0;
  const peak = series[0]?.points.reduce((best, p) => (p[1] > best[1] ? p : best), [0, -1]);
  const summary =
    xs.length === 0
      ? "No data"
      : `${formatNumber(total)} click${total === 1 ? "" : "s"} from ${label(xs[0], hourly)} to ${label(xs[xs.length - 1], hourly)} UTC` +
        (peak && peak[1] > 0 ? `; most in ${label(peak[0], hourly)}: ${formatNumber(peak[1])}` : "");

  return (
    <figure class="chart">
      <div ref={box} role="img" aria-labelledby={labelledBy} aria-describedby="chart-summary" class="chart-box" />
      <figcaption id="chart-summary" class="muted">
        {summary}
      </figcaption>
      <details>
        <summary>Show the numbers</summary>
        <table class="data">
          <thead>
            <tr>
              <th scope="col">{hourly ? "Hour (UTC)" : "Day (UTC)"}</th>
              {series.map((s) => (
                <th key={s.label} scope="col" class="num">
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {xs.map((x, i) => (
              <tr key={x}>
                <th scope="row">{label(x, hourly)}</th>
                {series.map((s) => (
                  <td key={s.label} class="num">
                    {formatNumber(s.points[i][1])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
