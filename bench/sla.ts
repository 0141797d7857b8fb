// SLA benchmarks: evaluating the state of 100,000 open clocks in memory, and the breach job over
// 100,000 open clocks in the database (real Postgres when TEST_DATABASE_URL is set, else PGlite).
//   npx bun bench/sla.ts
import { sql } from "drizzle-orm";
import { alwaysOpen, businessMsBetween, compileCalendar } from "../plugins/sla/business-time.ts";
import { clockStatus, deadlines } from "../plugins/sla/clocks.ts";
import { asks, clocks } from "../plugins/sla/schema.ts";
import { rowsOf } from "../server/db/rows.ts";
import { teamMembers, teams } from "../server/people/schema.ts";
import { testApp } from "../server/testing/test-app.ts";

const N = 100_000;
const zones = ["America/New_York", "Europe/Berlin", "Australia/Adelaide", "Asia/Kolkata", "Asia/Kathmandu"];
const calendars = zones.map((timeZone) =>
  compileCalendar({
    timeZone,
    open: Object.fromEntries(
      [1, 2, 3, 4, 5].map((d) => [
        d,
        [
          ["09:00", "12:30"],
          ["13:30", "17:30"],
        ] as [string, string][],
      ]),
    ),
    holidays: ["2026-04-03", "2026-05-01", "2026-12-25"],
  }),
);
const now = Date.parse("2026-06-15T12:00:00Z");
const open = Array.from({ length: N }, (_, i) => ({
  cal: calendars[i % calendars.length] as (typeof calendars)[number],
  clock: {
    state: "running" as const,
    cycleStartedAt: new Date(now - ((i * 7919) % (21 * 86_400_000))),
    consumedSeconds: 0,
    targetSeconds: 24 * 3600,
    warnFraction: 0.75,
  },
}));

// Baseline in the same run: wall-clock subtraction (what "calendar hours" costs).
function evaluateAll(business: boolean): number {
  let breached = 0;
  for (const o of open) {
    const status = clockStatus(business ? o.cal : alwaysOpen, o.clock, now);
    if (status.status === "breached") breached++;
  }
  return breached;
}
evaluateAll(true); // warm the per-calendar block caches (as a running server has)
const t0 = performance.now();
const breached = evaluateAll(true);
const businessMs = performance.now() - t0;
const t1 = performance.now();
evaluateAll(false);
const wallMs = performance.now() - t1;
console.log(
  `sla evaluate: ${N} open clocks in ${businessMs.toFixed(1)} ms = ${Math.round(N / (businessMs / 1000)).toLocaleString("en")} clocks/s (goal ≥ 100,000/s); ${(businessMs / wallMs).toFixed(2)}× the wall-clock baseline; ${breached} breached`,
);
const cold = compileCalendar({ ...(calendars[0] as (typeof calendars)[number]).spec });
const t2 = performance.now();
for (let i = 0; i < 10_000; i++) businessMsBetween(cold, now - ((i * 7919) % (365 * 86_400_000)), now);
console.log(
  `sla elapsed, cold calendar (blocks built on demand): 10,000 queries in ${(performance.now() - t2).toFixed(1)} ms`,
);

// The breach job over 100,000 open clocks: 1 % due for a warning, 0.5 % breached.
const t = await testApp({ plugins: ["sla"], now: new Date(now).toISOString() });
try {
  const [created] = await t.ctx.db.insert(teams).values({ name: "Bench", timeZone: "Europe/Berlin" }).returning();
  const team = created as { id: string };
  const people = await Promise.all(Array.from({ length: 50 }, () => t.person()));
  // The responders are the team; two of them manage it (a breach notifies them too).
  await t.ctx.db
    .insert(teamMembers)
    .values(people.map((p, i) => ({ teamId: team.id, personId: p.id, isManager: i < 2 })));
  const cal = calendars[1] as (typeof calendars)[number];
  const askIds: string[] = [];
  for (let b = 0; b < N; b += 5000) {
    const rows = Array.from({ length: Math.min(5000, N - b) }, (_, j) => ({
      id: crypto.randomUUID(),
      source: "bench",
      sourceRef: String(b + j),
      teamId: team.id,
      workType: "question",
      medium: "portal",
      title: `Ask ${b + j}`,
      link: "/sla",
      createdAt: new Date(now),
    }));
    await t.ctx.db.insert(asks).values(rows);
    askIds.push(...rows.map((r) => r.id));
  }
  const base = { targetSeconds: 24 * 3600, warnFraction: 0.75, consumedSeconds: 0 };
  for (let b = 0; b < N; b += 5000) {
    const rows = askIds.slice(b, b + 5000).map((askId, j) => {
      const i = b + j;
      // Most clocks started recently; 1 in 100 long enough ago to warn (five calendar days before a
      // Monday noon is about 22 of the 24 business hours), 1 in 200 to breach.
      const ago = i % 200 === 0 ? 10 : i % 100 === 1 ? 5 : (i % 50) / 100;
      const startedAt = new Date(now - ago * 86_400_000);
      const responderId = (people[i % people.length] as { id: string }).id;
      return {
        askId,
        teamId: team.id,
        responderId,
        eligibleIds: [responderId],
        basis: "business" as const,
        ...base,
        state: "running" as const,
        startedAt,
        cycleStartedAt: startedAt,
        ...deadlines(cal, base, startedAt),
      };
    });
    await t.ctx.db.insert(clocks).values(rows);
  }
  await t.ctx.db.execute(sql`analyze sla.clocks`);
  const [{ n: notes } = { n: 0 }] = rowsOf<{ n: number }>(
    await t.ctx.db.execute(sql`select count(*)::int as n from notifications`),
  );
  const j0 = performance.now();
  const run = await t.ctx.scheduler.runNow("sla.breaches");
  const jobS = (performance.now() - j0) / 1000;
  const j1 = performance.now();
  const again = await t.ctx.scheduler.runNow("sla.breaches");
  const idleS = (performance.now() - j1) / 1000;
  const [{ n: sent } = { n: 0 }] = rowsOf<{ n: number }>(
    await t.ctx.db.execute(sql`select count(*)::int - ${notes} as n from notifications`),
  );
  console.log(
    `sla breach job: ${N} open clocks on ${process.env.TEST_DATABASE_URL ? "Postgres" : "PGlite"}: ${jobS.toFixed(2)} s (goal < 5 s) — ${run.summary}, ${sent} notifications; re-run with nothing new ${idleS.toFixed(2)} s (${again.summary})`,
  );
} finally {
  await t.close();
}
