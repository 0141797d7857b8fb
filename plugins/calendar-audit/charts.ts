import type { WeekHours } from "./report.ts";

const esc = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Stacked weekly bars (recurring / one-off) as SVG with presentation attributes only (the CSP forbids style=). */
export function weeklyHoursChart(weeks: WeekHours[], perPerson: number): string {
  const width = 640;
  const height = 220;
  const pad = { left: 44, right: 12, top: 12, bottom: 36 };
  const max = Math.max(1, ...weeks.map((w) => w.total / perPerson));
  const slot = (width - pad.left - pad.right) / Math.max(1, weeks.length);
  const y = (v: number): number => pad.top + (height - pad.top - pad.bottom) * (1 - v / max);
  const bars = weeks
    .map((w, i) => {
      const x = pad.left + i * slot + slot * 0.15;
      const bw = slot * 0.7;
      const total = w.total / perPerson;
      const rec = w.recurring / perPerson;
      return `<g><title>${esc(`Week of ${w.week}: ${total.toFixed(1)} h per person, ${rec.toFixed(1)} h recurring`)}</title>
<rect x="${x.toFixed(1)}" y="${y(total).toFixed(1)}" width="${bw.toFixed(1)}" height="${(y(rec) - y(total)).toFixed(1)}" fill="#9ab8d8"/>
<rect x="${x.toFixed(1)}" y="${y(rec).toFixed(1)}" width="${bw.toFixed(1)}" height="${(y(0) - y(rec)).toFixed(1)}" fill="#2f6aa3"/>
<text x="${(x + bw / 2).toFixed(1)}" y="${height - pad.bottom + 14}" font-size="10" text-anchor="middle" fill="#444">${esc(w.week.slice(5))}</text></g>`;
    })
    .join("");
  const ticks = [0, max / 2, max]
    .map(
      (v) =>
        `<text x="${pad.left - 6}" y="${(y(v) + 3).toFixed(1)}" font-size="10" text-anchor="end" fill="#444">${v.toFixed(1)}</text><line x1="${pad.left}" x2="${width - pad.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`,
    )
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="ca-weekly-title" class="calendar-audit-chart"><title id="ca-weekly-title">Meeting hours per person per week; dark: recurring, light: one-off</title>${ticks}${bars}
<text x="${pad.left}" y="${height - 6}" font-size="10" fill="#2f6aa3">■ recurring</text><text x="${pad.left + 80}" y="${height - 6}" font-size="10" fill="#9ab8d8">■ one-off</text></svg>`;
}

/** Horizontal bars of attendee-hours per week for the heaviest series. */
export function heaviestChart(rows: { label: string; value: number }[]): string {
  const width = 640;
  const rowH = 22;
  const height = Math.max(1, rows.length) * rowH + 8;
  const labelW = 240;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const bars = rows
    .map((r, i) => {
      const w = ((width - labelW - 60) * r.value) / max;
      const y = 4 + i * rowH;
      return `<text x="${labelW - 6}" y="${y + 14}" font-size="11" text-anchor="end" fill="#222">${esc(r.label.length > 36 ? `${r.label.slice(0, 35)}…` : r.label)}</text><rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="14" fill="#c0504d"/><text x="${(labelW + w + 4).toFixed(1)}" y="${y + 14}" font-size="11" fill="#222">${r.value.toFixed(1)} h</text>`;
    })
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="ca-heavy-title" class="calendar-audit-chart"><title id="ca-heavy-title">Heaviest recurring series, attendee-hours per week</title>${bars}</svg>`;
}
