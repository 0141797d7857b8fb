import type { SafeHtml } from "../../server/plugin-api.ts";
import { formatShortDate } from "../../server/plugin-api.ts";
import type { OverlapHour, SyncWindow } from "./overlap.ts";
import type { CategoryShare, HeatCell, Noisy, WeekShare } from "./team-figures.ts";

const weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const pct = (share: number): string => `${Math.round(share * 100)}%`;
/** A noisy share as "42% ± 9": the value clamped to 0–100 %, the ± as published. */
const withError = (n: Noisy): string => `${pct(Math.min(1, Math.max(0, n.value)))} ± ${Math.round(n.plusMinus * 100)}`;
const hourLabel = (h: number): string => `${String(h).padStart(2, "0")}:00`;

/**
 * Active-hours heatmap, hour × weekday, drawn as server-side SVG with presentation attributes
 * (the CSP forbids inline styles), followed by the same figures as a table for screen readers
 * and keyboard users. Withheld cells (fewer than k people) are hatched and say so.
 */
export function Heatmap(props: { cells: HeatCell[]; timeZone: string }): SafeHtml {
  const byKey = new Map(props.cells.map((c) => [`${c.weekday}:${c.hour}`, c]));
  const cell = 22;
  const left = 40;
  const top = 20;
  return (
    <figure class="activity-figure">
      <div class="activity-scroll">
        <svg
          class="activity-heatmap"
          viewBox={`0 0 ${left + 24 * cell} ${top + 7 * cell}`}
          role="img"
          aria-labelledby="heatmap-title heatmap-desc"
        >
          <title id="heatmap-title">Active hours by weekday and hour</title>
          <desc id="heatmap-desc">
            Darker cells mean a larger share of the team was active in that hour ({props.timeZone}). Blank cells had too
            few people to show.
          </desc>
          <defs>
            <pattern
              id="activity-withheld"
              width="6"
              height="6"
              patternUnits="userSpaceOnUse"
              patternTransform="rotate(45)"
            >
              <rect width="6" height="6" fill="#f3f4f6" />
              <line x1="0" y1="0" x2="0" y2="6" stroke="#9ca3af" stroke-width="1.5" />
            </pattern>
          </defs>
          {Array.from({ length: 24 }, (_, h) =>
            h % 3 === 0 ? (
              <text x={left + h * cell + 2} y={top - 6} font-size="10" fill="currentColor">
                {String(h).padStart(2, "0")}
              </text>
            ) : null,
          )}
          {weekdayNames.map((day, d) => (
            <>
              <text x="0" y={top + d * cell + 15} font-size="11" fill="currentColor">
                {day.slice(0, 3)}
              </text>
              {Array.from({ length: 24 }, (_, h) => {
                const figure = byKey.get(`${d + 1}:${h}`);
                const share = figure?.value;
                return (
                  <rect
                    x={left + h * cell}
                    y={top + d * cell}
                    width={cell - 2}
                    height={cell - 2}
                    rx="3"
                    fill={share === undefined ? "url(#activity-withheld)" : "#2563eb"}
                    fill-opacity={share === undefined ? "1" : opacityOf(share)}
                  >
                    <title>
                      {day} {hourLabel(h)}: {figure === undefined ? "not shown" : withError(figure)}
                    </title>
                  </rect>
                );
              })}
            </>
          ))}
        </svg>
      </div>
      <HeatLegend />
      <figcaption class="muted small">
        Hours in {props.timeZone}. The shade is the share of members' time active in that hour; each figure carries
        random noise, whose 95 % range (±) the table lists. Hatched cells are not shown because fewer than the minimum
        number of people were active then.
      </figcaption>
      <details>
        <summary>Show the heatmap as a table</summary>
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Share of the team active, by weekday and hour</caption>
            <thead>
              <tr>
                <th scope="col">Hour</th>
                {weekdayNames.map((d) => (
                  <th scope="col">{d.slice(0, 3)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {Array.from({ length: 24 }, (_, h) => (
                <tr>
                  <th scope="row" class="activity-row-head">
                    {hourLabel(h)}
                  </th>
                  {weekdayNames.map((_d, d) => {
                    const cell = byKey.get(`${d + 1}:${h}`);
                    return <td>{cell === undefined ? "—" : withError(cell)}</td>;
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

/** Cell shading: never fainter than 0.15, so a low share stays distinguishable from a hatched cell. */
const opacityOf = (share: number): string => (0.15 + 0.85 * Math.min(1, Math.max(0, share))).toFixed(2);

function Swatch(props: { fill: string; opacity?: string }): SafeHtml {
  return (
    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <rect x="0" y="0" width="16" height="16" rx="3" fill={props.fill} fill-opacity={props.opacity ?? "1"} />
    </svg>
  );
}

function HeatLegend(): SafeHtml {
  return (
    <p class="activity-legend small">
      <span>
        <Swatch fill="#2563eb" opacity={opacityOf(0)} /> few active
      </span>
      <span>
        <Swatch fill="#2563eb" opacity={opacityOf(0.5)} /> half the team
      </span>
      <span>
        <Swatch fill="#2563eb" opacity={opacityOf(1)} /> everyone
      </span>
      <span>
        <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
          <rect x="0" y="0" width="16" height="16" rx="3" fill="#f3f4f6" stroke="#9ca3af" />
          <line x1="2" y1="14" x2="14" y2="2" stroke="#9ca3af" stroke-width="1.5" />
        </svg>{" "}
        not shown (too few people)
      </span>
    </p>
  );
}

/** Horizontal bars with the number written out (no figure depends on colour alone). */
export function ShareBars(props: {
  items: { label: string; share: number; plusMinus?: number }[];
  caption: string;
}): SafeHtml {
  return (
    <table class="activity-bars">
      <caption class="visually-hidden">{props.caption}</caption>
      <tbody>
        {props.items.map((item) => (
          <tr>
            <th scope="row">{item.label}</th>
            <td>
              <svg viewBox="0 0 100 10" class="activity-bar" aria-hidden="true" preserveAspectRatio="none">
                <rect x="0" y="0" width="100" height="10" fill="#e5e7eb" />
                <rect x="0" y="0" width={String(barWidth(item.share))} height="10" fill="#2563eb" />
                {item.plusMinus === undefined ? null : (
                  <line
                    x1={String(barWidth(item.share - item.plusMinus))}
                    x2={String(barWidth(item.share + item.plusMinus))}
                    y1="5"
                    y2="5"
                    stroke="#111827"
                    stroke-width="1.5"
                  />
                )}
              </svg>
            </td>
            <td class="activity-num">
              {item.plusMinus === undefined
                ? pct(item.share)
                : withError({ value: item.share, plusMinus: item.plusMinus })}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const barWidth = (share: number): number => Math.round(Math.min(1, Math.max(0, share)) * 1000) / 10;

/** Categories fewer than k people used are simply absent: no "withheld" remainder is published. */
export function CategoryMix(props: { categories: CategoryShare[] }): SafeHtml {
  const items = props.categories.map((c) => ({ label: c.category, share: c.value, plusMinus: c.plusMinus }));
  if (!items.length) return <p class="muted">No category had enough people to show.</p>;
  return <ShareBars items={items} caption="Share of the shown categories' time, ± the 95 % noise range" />;
}

export function AfterHoursTrend(props: { weeks: WeekShare[] }): SafeHtml {
  return (
    <ShareBars
      items={props.weeks.map((w) => ({
        label: `Week of ${weekLabel(w.week)}`,
        share: w.value,
        plusMinus: w.plusMinus,
      }))}
      caption="Share of active time outside people's own working hours, per week"
    />
  );
}

export function OverlapTable(props: {
  hours: OverlapHour[];
  windows: SyncWindow[];
  members: number;
  timeZone: string;
}): SafeHtml {
  const working = props.hours.filter((h) => h.available > 0);
  return (
    <div class="activity-stack">
      {props.windows.length ? (
        <p>
          Best sync {props.windows.length === 1 ? "window" : "windows"} ({props.timeZone}):{" "}
          {props.windows.map((w, i) => (
            <>
              {i ? ", " : ""}
              <strong>
                {hourLabel(w.from)}–{hourLabel(w.to)}
              </strong>
            </>
          ))}{" "}
          — on average {w0(props.windows)} of {props.members} people are within their working hours.
        </p>
      ) : (
        <p class="muted">Nobody on the team has working hours set.</p>
      )}
      <ShareBars
        items={working.map((h) => ({
          label: hourLabel(h.hour),
          share: props.members ? h.available / props.members : 0,
        }))}
        caption="Share of members within working hours, per hour of a weekday"
      />
    </div>
  );
}

/** "2026-10-26" → "26 Oct 2026" (the week's Monday, a calendar date: no time zone involved). */
export function weekLabel(isoDate: string): string {
  try {
    return formatShortDate(isoDate.slice(0, 10));
  } catch {
    return isoDate;
  }
}

const w0 = (windows: SyncWindow[]): number => windows[0]?.available ?? 0;
