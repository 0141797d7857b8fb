/**
 * Calendar import: a 5,000-event calendar with 500 recurring series, over the default window
 * (8 weeks back, 26 ahead), end to end (parse, expand, classify, store) on PGlite, and on
 * Postgres when TEST_DATABASE_URL is set. The baseline is ical.js merely parsing the same file.
 *
 * Given a folder of .ics files (argument or ICS_BENCH_DIR), it also expands its three largest
 * files, each over two years from its first DTSTART, against ical.js parsing them alone.
 *
 *   npx bun bench/calendar-audit.ts [folder of .ics files]
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx bun bench/calendar-audit.ts
 */

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { count, eq } from "drizzle-orm";
import ICAL from "ical.js";
import { defaultWindow, expand } from "../plugins/calendar-audit/expand.ts";
import { startImport } from "../plugins/calendar-audit/importer.ts";
import { calendarImports, calendarSources, meetingOccurrences } from "../plugins/calendar-audit/schema.ts";
import type { CalendarAuditSettings } from "../plugins/calendar-audit/settings.ts";
import { testApp } from "../server/testing/test-app.ts";
import { median } from "./lib.ts";

const now = new Date("2026-03-02T09:00:00Z");
const zones = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "America/Los_Angeles"];
const titles = [
  "Daily standup",
  "Weekly status",
  "Design review",
  "1:1",
  "Sprint retro",
  "Kickoff sync",
  "All hands",
  "Hiring debrief",
];
const rules = [
  "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
  "FREQ=WEEKLY",
  "FREQ=WEEKLY;INTERVAL=2",
  "FREQ=MONTHLY;BYDAY=-1TH",
  "FREQ=WEEKLY;BYDAY=TU,TH",
];

function calendar(): string {
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN"];
  const attendees = (n: number, k: number) =>
    Array.from(
      { length: n },
      (_, i) => `ATTENDEE;CN=Person ${(k + i) % 200};PARTSTAT=ACCEPTED:mailto:p${(k + i) % 200}@example.com`,
    );
  for (let i = 0; i < 5000; i++) {
    const zone = zones[i % zones.length] as string;
    const recurring = i < 500;
    const day = String((i % 28) + 1).padStart(2, "0");
    const month = recurring ? "01" : String(1 + (i % 8)).padStart(2, "0");
    lines.push(
      "BEGIN:VEVENT",
      `UID:bench-${i}@example.com`,
      "DTSTAMP:20260101T000000Z",
      `DTSTART;TZID=${zone}:2026${month}${day}T${String(8 + (i % 9)).padStart(2, "0")}0000`,
      `DTEND;TZID=${zone}:2026${month}${day}T${String(8 + (i % 9)).padStart(2, "0")}3000`,
      ...(recurring ? [`RRULE:${rules[i % rules.length]}`] : []),
      `SUMMARY:${titles[i % titles.length]} ${i}`,
      ...attendees(recurring ? 3 + (i % 9) : 2, i),
      "END:VEVENT",
    );
  }
  lines.push("END:VCALENDAR");
  return lines.join("\r\n");
}

const ics = calendar();
const window = defaultWindow(now);
const runs = 5;
const parseMs: number[] = [];
const expandMs: number[] = [];
let occurrences = 0;
for (let r = 0; r < runs; r++) {
  let t0 = performance.now();
  new ICAL.Component(ICAL.parse(ics) as never).getAllSubcomponents("vevent");
  parseMs.push(performance.now() - t0);
  t0 = performance.now();
  occurrences = expand(ics, window).occurrences.length;
  expandMs.push(performance.now() - t0);
}

/** CPU time of `run`, from a collected heap: neither side pays for the other's garbage. */
function cpuMs(run: () => void): number {
  Bun.gc(true);
  const before = process.cpuUsage();
  run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/** Every .ics file under a folder with its size, largest first. */
function largestFiles(dir: string, n: number): { path: string; size: number }[] {
  const all: { path: string; size: number }[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (name.toLowerCase().endsWith(".ics")) all.push({ path, size: st.size });
    }
  };
  walk(dir);
  return all.sort((a, b) => b.size - a.size).slice(0, n);
}

function twoYearsFromFirstStart(text: string): { from: Date; to: Date } {
  let first = Number.POSITIVE_INFINITY;
  // Time-zone onsets (DTSTART inside VTIMEZONE) are not events.
  const events = text.replace(/BEGIN:VTIMEZONE[\s\S]*?END:VTIMEZONE/gi, "");
  for (const m of events.matchAll(/^DTSTART[^:\r\n]*:(\d{4})(\d{2})(\d{2})/gim)) {
    first = Math.min(first, Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  }
  const from = new Date((Number.isFinite(first) ? first : now.getTime()) - 86_400_000);
  return { from, to: new Date(from.getTime() + 2 * 365.25 * 86_400_000) };
}

const folder = process.argv[2] ?? process.env.ICS_BENCH_DIR;
if (!folder) console.log("calendar-audit corpus: skipped (give a folder of .ics files as argument or ICS_BENCH_DIR)");
else {
  let exists = false;
  try {
    exists = statSync(folder).isDirectory();
  } catch {}
  if (!exists) console.log(`calendar-audit corpus: skipped (${folder} is not a folder)`);
  else {
    console.log("calendar-audit corpus: the three largest files, expansion vs ical.js parse alone");
    for (const file of largestFiles(folder, 3)) {
      const text = readFileSync(file.path, "utf8");
      const w = twoYearsFromFirstStart(text);
      // CPU time, parse and expansion interleaved: on a busy machine wall time says little.
      const ratios: number[] = [];
      const parse: number[] = [];
      let n = 0;
      for (let r = 0; r < 15; r++) {
        const p = cpuMs(() => new ICAL.Component(ICAL.parse(text) as never).getAllSubcomponents("vevent"));
        const e = cpuMs(() => {
          n = expand(text, w).occurrences.length;
        });
        parse.push(p);
        ratios.push(e / p);
      }
      console.log(
        `  ${file.path.slice(folder.length).replace(/^\//, "")} (${(file.size / 1024).toFixed(0)} KB, ${n} occurrences): parse ${median(parse).toFixed(1)} ms CPU, expansion ${median(ratios).toFixed(2)}× parse alone`,
      );
    }
  }
}

const app = await testApp({ plugins: ["calendar-audit"], now: now.toISOString() });
const services = app.ctx.plugins.services<CalendarAuditSettings>("calendar-audit");
const owner = await app.person({ role: "admin" });
const endToEnd: number[] = [];
for (let r = 0; r < 3; r++) {
  const [source] = await app.ctx.db
    .insert(calendarSources)
    .values({ kind: "upload", name: "bench", personId: owner.id, createdBy: owner.id })
    .returning();
  const t0 = performance.now();
  const queued = await startImport(services, {
    sourceId: source?.id ?? "",
    fileName: "bench.ics",
    text: ics,
    createdBy: owner.id,
  });
  // The import runs as a background task of the app, as after an upload.
  await app.ctx.tasks.settled();
  endToEnd.push(performance.now() - t0);
  const [done] = await app.ctx.db.select().from(calendarImports).where(eq(calendarImports.id, queued.id));
  if (done?.status !== "done") throw new Error(`import ${done?.status}: ${done?.message}`);
}
const [stored] = await app.ctx.db.select({ n: count() }).from(meetingOccurrences);
await app.close();

const db = process.env.TEST_DATABASE_URL ? "Postgres" : "PGlite";
const e2e = median(endToEnd);
console.log(
  `calendar-audit: ${(ics.length / 1_048_576).toFixed(1)} MB, 5000 events, 500 series → ${occurrences} occurrences (${stored?.n} stored)`,
);
console.log(`  ical.js parse only        ${median(parseMs).toFixed(0)} ms`);
console.log(
  `  parse + expand            ${median(expandMs).toFixed(0)} ms  (${(median(expandMs) / median(parseMs)).toFixed(2)}× parse alone)`,
);
console.log(
  `  end to end on ${db.padEnd(9)} ${(e2e / 1000).toFixed(2)} s  (${Math.round(occurrences / (e2e / 1000)).toLocaleString("en")} occurrences/s)`,
);
