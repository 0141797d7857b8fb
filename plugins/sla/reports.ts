import { sql } from "drizzle-orm";
import { type DbOrTx, formatDayMonth, formatShortDate, rowsOf, teams } from "../../server/plugin-api.ts";
import { asks, clocks } from "./schema.ts";

export interface ReportRow {
  team: string;
  workType: string;
  medium: string;
  /** Asks answered, or past due unanswered: the ones that count towards the share within target. */
  counted: number;
  within: number;
  /** Business seconds to first response, of answered asks. */
  p50: number | null;
  p90: number | null;
}

export interface TrendPoint {
  week: string;
  counted: number;
  within: number;
}

function teamFilter(teamIds: string[]) {
  return sql`c.team_id in (${sql.join(
    teamIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  )})`;
}

/** % within target and p50/p90 time to first response by team, work type and medium, aggregated in SQL. */
export async function slaReport(
  db: DbOrTx,
  input: { teamIds: string[]; from: Date; to: Date; now: Date },
): Promise<ReportRow[]> {
  if (!input.teamIds.length) return [];
  const now = sql`${input.now.toISOString()}::timestamptz`;
  const result = await db.execute(sql`
    select t.name as team, a.work_type, a.medium,
      count(*) filter (where c.state = 'stopped' or c.due_at <= ${now})::int as counted,
      count(*) filter (where c.within_target)::int as within,
      percentile_cont(0.5) within group (order by c.elapsed_seconds) filter (where c.state = 'stopped') as p50,
      percentile_cont(0.9) within group (order by c.elapsed_seconds) filter (where c.state = 'stopped') as p90
    from ${clocks} c
    join ${asks} a on a.id = c.ask_id
    join ${teams} t on t.id = c.team_id
    where ${teamFilter(input.teamIds)}
      and c.started_at >= ${input.from.toISOString()}::timestamptz and c.started_at < ${input.to.toISOString()}::timestamptz
    group by t.name, a.work_type, a.medium
    order by t.name, a.work_type, a.medium`);
  return rowsOf<{
    team: string;
    work_type: string;
    medium: string;
    counted: number;
    within: number;
    p50: number | string | null;
    p90: number | string | null;
  }>(result).map((r) => ({
    team: r.team,
    workType: r.work_type,
    medium: r.medium,
    counted: Number(r.counted),
    within: Number(r.within),
    p50: r.p50 === null ? null : Number(r.p50),
    p90: r.p90 === null ? null : Number(r.p90),
  }));
}

/** Share within target per week (by the week the ask started). */
export async function slaTrend(
  db: DbOrTx,
  input: { teamIds: string[]; from: Date; to: Date; now: Date },
): Promise<TrendPoint[]> {
  if (!input.teamIds.length) return [];
  const now = sql`${input.now.toISOString()}::timestamptz`;
  const result = await db.execute(sql`
    select to_char(date_trunc('week', c.started_at at time zone 'UTC'), 'YYYY-MM-DD') as week,
      count(*) filter (where c.state = 'stopped' or c.due_at <= ${now})::int as counted,
      count(*) filter (where c.within_target)::int as within
    from ${clocks} c
    where ${teamFilter(input.teamIds)}
      and c.started_at >= ${input.from.toISOString()}::timestamptz and c.started_at < ${input.to.toISOString()}::timestamptz
    group by 1 order by 1`);
  return rowsOf<{ week: string; counted: number; within: number }>(result).map((r) => ({
    week: r.week,
    counted: Number(r.counted),
    within: Number(r.within),
  }));
}

export function share(within: number, counted: number): number | null {
  return counted ? within / counted : null;
}

/** RFC 4180 quoting: fields with commas, quotes or line breaks are quoted, quotes doubled; formula prefixes neutralised. */
export function csvField(value: string | number | null): string {
  if (value === null) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function reportCsv(rows: ReportRow[]): string {
  const header = [
    "team",
    "work type",
    "medium",
    "counted",
    "within target",
    "% within target",
    "p50 hours",
    "p90 hours",
  ];
  const hours = (s: number | null): string => (s === null ? "" : (s / 3600).toFixed(2));
  const lines = rows.map((r) => {
    const pct = share(r.within, r.counted);
    return [
      r.team,
      r.workType,
      r.medium,
      r.counted,
      r.within,
      pct === null ? "" : (pct * 100).toFixed(1),
      hours(r.p50),
      hours(r.p90),
    ]
      .map((v) => csvField(v))
      .join(",");
  });
  return `${[header.map(csvField).join(","), ...lines].join("\r\n")}\r\n`;
}

/** The trend as an accessible SVG line chart (presentation attributes only; the CSP forbids inline styles). */
export function trendSvg(points: TrendPoint[]): string {
  const width = 640;
  const height = 220;
  const pad = { left: 44, right: 16, top: 16, bottom: 36 };
  const esc = (t: string): string => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");
  const usable = points.filter((p) => p.counted > 0);
  const summary = usable.length
    ? `Share of asks answered within target per week: ${usable.map((p) => `week of ${formatShortDate(p.week)} ${Math.round((p.within / p.counted) * 100)}%`).join(", ")}.`
    : "No answered or overdue asks in this period.";
  const x = (i: number): number =>
    pad.left + (points.length <= 1 ? 0 : (i * (width - pad.left - pad.right)) / (points.length - 1));
  const y = (v: number): number => pad.top + (1 - v) * (height - pad.top - pad.bottom);
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (v) =>
        `<line x1="${pad.left}" x2="${width - pad.right}" y1="${y(v)}" y2="${y(v)}" stroke="#d0d7de" stroke-width="1"/>` +
        `<text x="${pad.left - 6}" y="${y(v) + 4}" text-anchor="end" font-size="11" fill="#57606a">${v * 100}%</text>`,
    )
    .join("");
  const coords = points
    .map((p, i) => (p.counted ? { x: x(i), y: y(p.within / p.counted), p } : null))
    .filter((c): c is { x: number; y: number; p: TrendPoint } => c !== null);
  const line =
    coords.length > 1
      ? `<polyline fill="none" stroke="#0969da" stroke-width="2" points="${coords.map((c) => `${c.x},${c.y}`).join(" ")}"/>`
      : "";
  const dots = coords
    .map(
      (c) =>
        `<circle cx="${c.x}" cy="${c.y}" r="4" fill="#0969da"><title>${esc(`Week of ${formatShortDate(c.p.week)}: ${c.p.within} of ${c.p.counted} within target`)}</title></circle>`,
    )
    .join("");
  const labels = points
    .map((p, i) =>
      i % Math.max(1, Math.ceil(points.length / 8)) === 0
        ? `<text x="${x(i)}" y="${height - 12}" text-anchor="middle" font-size="11" fill="#57606a">${esc(formatDayMonth(p.week))}</text>`
        : "",
    )
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="sla-trend-title sla-trend-desc" class="sla-chart"><title id="sla-trend-title">Share within target by week</title><desc id="sla-trend-desc">${esc(summary)}</desc>${grid}${line}${dots}${labels}</svg>`;
}
