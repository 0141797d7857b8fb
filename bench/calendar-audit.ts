/**
 * Calendar import: a 5,000-event calendar with 500 recurring series, over the default window
 * (8 weeks back, 26 ahead), end to end (parse, expand, classify, store) on PGlite, and on
 * Postgres when TEST_DATABASE_URL is set. The baseline is ical.js merely parsing the same file.
 *
 *   npx bun bench/calendar-audit.ts
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx bun bench/calendar-audit.ts
 */

import { count } from "drizzle-orm";
import ICAL from "ical.js";
import { defaultWindow, expand } from "../plugins/calendar-audit/expand.ts";
import { runImport, startImport } from "../plugins/calendar-audit/importer.ts";
import { calendarSources, meetingOccurrences } from "../plugins/calendar-audit/schema.ts";
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
  const done = await runImport(services, queued.id);
  endToEnd.push(performance.now() - t0);
  if (done.status !== "done") throw new Error(`import failed: ${done.message}`);
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
