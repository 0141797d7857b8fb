/**
 * Activity ingest and team-query benchmarks.
 *
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx bun bench/activity.ts
 *
 * 1. Sustained native batch ingest over HTTP (100,000 events in 1,000-event batches), against a
 *    raw COPY of the same rows into a table with the same definition, measured in the same run.
 * 2. ActivityWatch heartbeat requests/s (8 devices in parallel, one bucket each).
 * 3. Team figures over 90 days × 200 people of rollups: the release job (freezing 13 weeks with
 *    noise), then reads of the frozen figures (4 and 12 weeks; the team page and the JSON API
 *    over HTTP), each against the old live computation kept in activity-live-baseline.ts,
 *    measured in the same run: median ms and the ratio (goal ≤ 1.5).
 * Without a Postgres URL everything runs on PGlite and the COPY ratio is skipped.
 * ACTIVITY_BENCH_ONLY=team runs section 3 alone.
 */

import { sql } from "drizzle-orm";
import postgres from "postgres";
import { registerDevice } from "../plugins/activity/devices.ts";
import { secureNoise } from "../plugins/activity/noise.ts";
import { releaseDueWeeks } from "../plugins/activity/release.ts";
import { ensurePartitions, markAfterHours, refreshHours } from "../plugins/activity/rollup.ts";
import { rollupState } from "../plugins/activity/schema.ts";
import { teamFigures } from "../plugins/activity/team-figures.ts";
import { createSession, SESSION_COOKIE } from "../server/auth/session.ts";
import { boot } from "../server/boot.ts";
import { loadConfig } from "../server/config.ts";
import { createLogger } from "../server/log.ts";
import { organization } from "../server/org/schema.ts";
import { createPerson } from "../server/people/people.ts";
import { teamMembers, teams } from "../server/people/schema.ts";
import { freshDatabase } from "../server/testing/database.ts";
import { teamFigures as liveTeamFigures } from "./activity-live-baseline.ts";
import { freePort, median } from "./lib.ts";

const EVENTS = 100_000;
const BATCH = 1_000;
const HEARTBEATS = 4_000;
const PEOPLE = 200;
const DAYS = 90;

if (!process.env.TEST_DATABASE_URL && process.env.DATABASE_URL)
  process.env.TEST_DATABASE_URL = process.env.DATABASE_URL;

const port = freePort();
const base = `http://127.0.0.1:${port}`;
const config = loadConfig({ LOG_LEVEL: "silent", PLUGINS: "activity", BASE_URL: base });
if (!config.ok) throw new Error(config.error);
const database = await freshDatabase();
const booted = await boot({
  config: config.config,
  database,
  logger: createLogger("silent"),
  mailer: null,
  plugins: { enabled: ["activity"] },
});
const { ctx } = booted;
await ctx.db
  .insert(organization)
  .values({ id: 1, name: "Bench", emailDomains: ["example.com"], defaultTimeZone: "UTC" });
await ctx.org.refresh();
const server = Bun.serve({ hostname: "127.0.0.1", port, fetch: (req) => booted.app.fetch(req) });
const rate = (n: number, ms: number): number => Math.round((n / ms) * 1000);
const fmt = (n: number): string => n.toLocaleString("en");

const teamOnly = process.env.ACTIVITY_BENCH_ONLY === "team";

try {
  const apps = ["Code", "Firefox", "Slack", "Zoom", "Notion", "Terminal"];
  if (!teamOnly) {
    const owner = await createPerson(ctx.db, {
      email: "bench@example.com",
      name: "Bench",
      role: "member",
      timeZone: "UTC",
      password: null,
    });
    const { token } = await registerDevice(ctx.db, { personId: owner.id, name: "bench", at: new Date() });
    const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };

    // The same rows for both paths: 100k one-minute events within the last 20 hours.
    const now = Date.now();
    const rows = Array.from({ length: EVENTS }, (_, i) => ({
      id: `e${i}`,
      start: new Date(now - 20 * 3_600_000 + (i % 70_000) * 1000).toISOString(),
      duration: 30 + (i % 30),
      app: apps[i % apps.length] as string,
      afk: false,
    }));

    // 1a. Native batch API over HTTP.
    const bodies = Array.from({ length: EVENTS / BATCH }, (_, b) =>
      JSON.stringify({ events: rows.slice(b * BATCH, (b + 1) * BATCH) }),
    );
    const ingestStarted = performance.now();
    for (const body of bodies) {
      const res = await fetch(`${base}/api/activity/events`, { method: "POST", headers, body });
      if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    }
    const ingestMs = performance.now() - ingestStarted;
    const ingestRate = rate(EVENTS, ingestMs);

    // 1b. Raw COPY of the same rows into a table with the same definition (Postgres only).
    let copyLine = "COPY baseline skipped (PGlite)";
    if (database.url) {
      const raw = postgres(database.url, { max: 1, onnotice: () => {} });
      await raw.unsafe("create table public.activity_copy_bench (like activity.events including all)");
      const categories = [
        "Focus work > Programming",
        "Browsing",
        "Communication > Chat",
        "Meetings",
        "Docs",
        "Focus work > Programming",
      ];
      const csv = rows
        .map(
          (r, i) =>
            `${owner.id},${owner.id},${r.id},,${r.start},${r.duration},${r.app},${categories[i % categories.length]},f`,
        )
        .join("\n");
      const copyStarted = performance.now();
      const writable = await raw
        .unsafe(
          "copy public.activity_copy_bench (device_id, person_id, client_id, bucket_id, start_at, duration_s, app, category, afk) from stdin with (format csv)",
        )
        .writable();
      await new Promise<void>((resolve, reject) => {
        writable.on("error", reject);
        writable.on("finish", () => resolve());
        for (let i = 0; i < csv.length; i += 1 << 20) writable.write(csv.slice(i, i + (1 << 20)));
        writable.end();
      });
      const copyMs = performance.now() - copyStarted;
      const [{ n }] = (await raw.unsafe("select count(*)::int as n from public.activity_copy_bench")) as unknown as [
        { n: number },
      ];
      if (n !== EVENTS) throw new Error(`COPY stored ${n} rows`);
      const copyRate = rate(EVENTS, copyMs);
      copyLine = `raw COPY ${fmt(copyRate)} rows/s → ratio ${(ingestRate / copyRate).toFixed(2)} (goal ≥ 0.25)`;
      await raw.end();
    }
    console.log(
      `activity ingest [${database.driver}]: native batch API ${fmt(ingestRate)} events/s (${fmt(EVENTS)} in ${(ingestMs / 1000).toFixed(2)} s, batches of ${BATCH}); ${copyLine}`,
    );

    // 2. Heartbeats: 8 devices in parallel, each merging into its own window bucket.
    const devices = await Promise.all(
      Array.from({ length: 8 }, async (_, d) => {
        const person = await createPerson(ctx.db, {
          email: `hb${d}@example.com`,
          name: `HB ${d}`,
          role: "member",
          timeZone: "UTC",
          password: null,
        });
        const device = await registerDevice(ctx.db, { personId: person.id, name: "hb", at: new Date() });
        const h = { Authorization: `Bearer ${device.token}`, "Content-Type": "application/json" };
        await fetch(`${base}/api/0/buckets/w`, {
          method: "POST",
          headers: h,
          body: JSON.stringify({ client: "bench", type: "currentwindow", hostname: "h" }),
        });
        return h;
      }),
    );
    const hbStarted = performance.now();
    const hbStart = Date.now() - 3_600_000;
    await Promise.all(
      devices.map(async (h) => {
        for (let i = 0; i < HEARTBEATS / devices.length; i++) {
          const app = apps[Math.floor(i / 20) % apps.length];
          const res = await fetch(`${base}/api/0/buckets/w/heartbeat?pulsetime=2`, {
            method: "POST",
            headers: h,
            body: JSON.stringify({
              timestamp: new Date(hbStart + i * 1000).toISOString(),
              duration: 0,
              data: { app, title: "x" },
            }),
          });
          if (res.status !== 200) throw new Error(`heartbeat answered ${res.status}`);
          await res.arrayBuffer();
        }
      }),
    );
    const hbMs = performance.now() - hbStarted;
    console.log(
      `activity heartbeat [${database.driver}]: ${fmt(rate(HEARTBEATS, hbMs))} requests/s (${fmt(HEARTBEATS)} heartbeats, 8 devices in parallel)`,
    );
  }

  // 3. Team figures over 90 days × 200 people of rollups.
  const [team] = await ctx.db.insert(teams).values({ name: "Bench team", timeZone: "Europe/Berlin" }).returning();
  if (!team) throw new Error("no team");
  const ids: string[] = [];
  for (let p = 0; p < PEOPLE; p++) {
    const person = await createPerson(ctx.db, {
      email: `r${p}@example.com`,
      name: `R ${p}`,
      role: "member",
      timeZone: "Europe/Berlin",
      password: null,
    });
    ids.push(person.id);
  }
  await ctx.db.insert(teamMembers).values(ids.map((personId) => ({ teamId: team.id, personId })));
  const to = new Date(Math.floor(Date.now() / 900_000) * 900_000);
  const from = new Date(to.getTime() - DAYS * 86_400_000);
  await ensurePartitions(ctx.db, from, to);
  const seedStarted = performance.now();
  // Working hours 08:00–17:00 UTC on weekdays, two categories per slot.
  await ctx.db.execute(sql`
    insert into activity.rollups (person_id, slot_start, category, seconds)
    select p::uuid, slot, c, 300 + (extract(minute from slot)::int * 7) % 300
    from unnest(${`{${ids.join(",")}}`}::text[]) as p,
         generate_series(${from.toISOString()}::timestamptz, ${to.toISOString()}::timestamptz - interval '15 minutes', interval '15 minutes') as slot,
         unnest(array['Focus work > Programming', 'Communication > Chat']) as c
    where extract(isodow from slot) < 6 and extract(hour from slot) between 8 and 16`);
  await markAfterHours(ctx.db, from);
  await refreshHours(ctx.db, from);
  // The bulk update above leaves a dead copy of every row; the rollup job inserts flagged rows instead.
  await ctx.db.execute(sql`vacuum analyze activity.rollups`);
  await ctx.db.execute(sql`vacuum analyze activity.rollup_hours`);
  const [{ n: rollupRows }] = (await ctx.db
    .execute(sql`select count(*)::int as n from activity.rollups`)
    .then((r) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows))) as [{ n: number }];
  const seedMs = performance.now() - seedStarted;
  await ctx.db.update(rollupState).set({ rolledUntil: to });
  const releaseStarted = performance.now();
  const released = await releaseDueWeeks(ctx.db, (fn) => ctx.db.transaction(fn), {
    k: 5,
    noise: secureNoise,
    now: new Date(),
    lookbackWeeks: 13,
  });
  const releaseMs = performance.now() - releaseStarted;
  const viewer = ids[0] as string;
  const { token: session } = await createSession(ctx.db, viewer, new Date());
  const cookie = { Cookie: `${SESSION_COOKIE}=${session}` };
  const timed = async (fn: () => Promise<unknown>): Promise<number> => {
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const started = performance.now();
      await fn();
      times.push(performance.now() - started);
    }
    return median(times);
  };
  const live = (days: number) => () =>
    liveTeamFigures(ctx.db, {
      teamId: team.id,
      timeZone: "Europe/Berlin",
      from: new Date(to.getTime() - days * 86_400_000),
      to,
      k: 5,
    });
  const frozen = (weeks: number) => async () => {
    const figures = await teamFigures(ctx.db, { teamId: team.id, weeks });
    if (!figures.shown) throw new Error(`team figures suppressed: ${figures.reason}`);
  };
  const http = (path: string) => async () => {
    const res = await fetch(`${base}${path}`, { headers: cookie });
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    await res.arrayBuffer();
  };
  const rows: [string, number, number][] = [
    ["figures, 4 weeks (page default)", await timed(live(28)), await timed(frozen(4))],
    ["figures, 12 weeks", await timed(live(84)), await timed(frozen(12))],
    ["figures, 90 days live vs 12 weeks frozen", await timed(live(DAYS)), await timed(frozen(12))],
  ];
  const liveFull = await timed(live(28));
  const page = await timed(http(`/activity/teams/${team.id}?weeks=4`));
  const api = await timed(http(`/api/activity/teams/${team.id}?weeks=12`));
  console.log(
    `activity team figures [${database.driver}] over ${fmt(rollupRows)} rollup rows (${PEOPLE} people × ${DAYS} days; seeded in ${(seedMs / 1000).toFixed(1)} s); release job: ${released} team-weeks in ${(releaseMs / 1000).toFixed(1)} s`,
  );
  for (const [label, old, now] of rows)
    console.log(
      `  ${label}: old live ${old.toFixed(1)} ms, frozen release ${now.toFixed(1)} ms → ratio ${(now / old).toFixed(3)} (goal ≤ 1.5)`,
    );
  console.log(
    `  over HTTP: team page (4 weeks) ${page.toFixed(1)} ms, JSON API (12 weeks) ${api.toFixed(1)} ms; the old page's figures alone took ${liveFull.toFixed(1)} ms → page ratio ≤ ${(page / liveFull).toFixed(2)}`,
  );
} finally {
  server.stop(true);
  await booted.close();
}
