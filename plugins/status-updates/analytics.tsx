import { type DbOrTx, raw, type SafeHtml } from "../../server/plugin-api.ts";
import type { Checkin } from "./checkins.ts";
import { askedCount, periodStats } from "./feed.ts";
import { periodLabel, recentPeriods } from "./period.ts";

export interface AnalyticsRow {
  period: string;
  posted: number;
  onTime: number;
  blockers: number;
  /** Percent of asked people who posted. */
  participation: number;
  /** Percent of posted updates that were on time. */
  onTimeRate: number;
}

export interface AnalyticsView {
  asked: number;
  rows: AnalyticsRow[];
}

/**
 * Participation, on-time rate and open blockers for the team's last 12 periods (oldest first).
 * "Asked" is the team's current asked members: history is read against today's roster.
 */
export async function teamAnalytics(db: DbOrTx, checkin: Checkin, now: Date, count = 12): Promise<AnalyticsView> {
  const periods = recentPeriods(checkin, now, count).map((p) => p.key);
  const [asked, stats] = await Promise.all([
    askedCount(db, checkin.teamId, checkin.excludedIds),
    periodStats(db, checkin.teamId, periods),
  ]);
  const pct = (n: number, d: number): number => (d ? Math.round((n / d) * 100) : 0);
  return {
    asked,
    rows: stats.map((r) => ({
      ...r,
      participation: Math.min(100, pct(r.posted, asked)),
      onTimeRate: pct(r.onTime, r.posted),
    })),
  };
}

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * The 12-period trend as server-side SVG: bars for participation, a line for the on-time rate.
 * Presentation attributes only (the CSP forbids inline styles); a data table follows for
 * screen readers and anyone who prefers numbers.
 */
export function TrendChart(props: { view: AnalyticsView }): SafeHtml {
  const rows = props.view.rows;
  const w = 640;
  const h = 220;
  const pad = { l: 36, r: 10, t: 10, b: 36 };
  const iw = w - pad.l - pad.r;
  const ih = h - pad.t - pad.b;
  const step = iw / Math.max(rows.length, 1);
  const y = (pct: number): number => pad.t + ih - (pct / 100) * ih;
  const summary = rows.map((r) => `${r.period}: ${r.participation}% posted, ${r.onTimeRate}% on time`).join("; ");
  const bars = rows
    .map((r, i) => {
      const x = pad.l + i * step + step * 0.15;
      return `<rect x="${x.toFixed(1)}" y="${y(r.participation).toFixed(1)}" width="${(step * 0.7).toFixed(1)}" height="${(pad.t + ih - y(r.participation)).toFixed(1)}" fill="#4f7cac"><title>${esc(`${periodLabel(r.period)}: ${r.participation}% posted`)}</title></rect>`;
    })
    .join("");
  const line = rows
    .map((r, i) => `${(pad.l + i * step + step / 2).toFixed(1)},${y(r.onTimeRate).toFixed(1)}`)
    .join(" ");
  const dots = rows
    .map(
      (r, i) =>
        `<circle cx="${(pad.l + i * step + step / 2).toFixed(1)}" cy="${y(r.onTimeRate).toFixed(1)}" r="3" fill="#d9822b"><title>${esc(`${periodLabel(r.period)}: ${r.onTimeRate}% on time`)}</title></circle>`,
    )
    .join("");
  const grid = [0, 50, 100]
    .map(
      (g) =>
        `<line x1="${pad.l}" x2="${w - pad.r}" y1="${y(g)}" y2="${y(g)}" stroke="#ccc" stroke-width="1"/><text x="${pad.l - 6}" y="${y(g) + 4}" text-anchor="end" font-size="11" fill="#555">${g}%</text>`,
    )
    .join("");
  const labels = rows
    .map((r, i) =>
      i % 2 === rows.length % 2
        ? ""
        : `<text x="${(pad.l + i * step + step / 2).toFixed(1)}" y="${h - 14}" text-anchor="middle" font-size="11" fill="#555">${esc(r.period.slice(5))}</text>`,
    )
    .join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(`Participation and on-time rate over ${rows.length} periods. ${summary}`)}" class="status-updates-chart"><title>Participation (bars) and on-time rate (line), last ${rows.length} periods</title>${grid}${bars}<polyline points="${line}" fill="none" stroke="#d9822b" stroke-width="2"/>${dots}${labels}</svg>`;
  return (
    <>
      <figure class="status-updates-figure">
        {raw(svg)}
        <figcaption class="small muted">
          Bars: share of asked people who posted. Line: share of posted updates that were on time.
        </figcaption>
      </figure>
      <details>
        <summary>Data table</summary>
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Participation, on-time rate and open blockers per period</caption>
            <thead>
              <tr>
                <th scope="col">Period</th>
                <th scope="col">Posted</th>
                <th scope="col">Participation</th>
                <th scope="col">On time</th>
                <th scope="col">Open blockers</th>
              </tr>
            </thead>
            <tbody>
              {[...rows].reverse().map((r) => (
                <tr>
                  <th scope="row">{periodLabel(r.period)}</th>
                  <td>
                    {r.posted} of {props.view.asked}
                  </td>
                  <td>{r.participation}%</td>
                  <td>{r.onTimeRate}%</td>
                  <td>{r.blockers}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}
