// Every main page against the floor, measured in the same run on the same database:
//   npx bun bench/pages.ts            demo organization, then 1,000 people × 52 weeks
//   npx bun bench/pages.ts --quick    demo organization only, short runs (about a minute)
//   --scale                           the scaled organization only
//   --people N --weeks W              the scaled organization's size (default 1000 × 52)
//   --only NAME                       only the pages whose name contains NAME
//   --log-level L                     the app's LOG_LEVEL (default info: what the request log costs
//                                     is part of the measurement; queries per request need info)
//   --page-cache-mb N                 the app's PAGE_CACHE_MB (default 32; 0: every request renders its
//                                     page, to measure what a first view costs)
//   --keep                            keep the scaled databases and reuse them next time (seeding
//                                     1,000 × 52 takes minutes)
// PGlite always; Postgres too when BENCH_DATABASE_URL, TEST_DATABASE_URL or DATABASE_URL names a
// server (a database is created on it and dropped after). The floor is raw Bun.serve plus
// postgres.js doing one indexed session lookup and returning a 14 KB page (bench/floor.ts).
// Queries per request come from the app's own request log line (LOG_LEVEL=info, the default).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { createSession, SESSION_COOKIE } from "../server/auth/session.ts";
import { type Database, openDatabase } from "../server/db/index.ts";
import { rowsOf } from "../server/db/rows.ts";
import { DEMO_OWNER_EMAIL } from "../server/org/demo-core.ts";
import { people } from "../server/people/schema.ts";
import { type LatencyResult, loadLatency, root, type Server, spawnServer, table } from "./lib.ts";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    people: { type: "string", default: "1000" },
    weeks: { type: "string", default: "52" },
    only: { type: "string" },
    scale: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    "log-level": { type: "string", default: "info" },
    "page-cache-mb": { type: "string", default: "32" },
  },
});
const quick = flags.quick === true;
const seconds = quick ? 1 : 4;
const warmup = quick ? 0.3 : 1;

interface PageSpec {
  name: string;
  /** A fixed path, or a function of what was discovered. */
  path: string | ((found: Found) => string | undefined);
}

interface Found {
  teamId: string | undefined;
  links: Map<string, string>;
}

const uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
/** Pages whose links lead to the single-item pages measured. */
const linkSources: [string, string, RegExp][] = [
  ["update", "/status-updates", new RegExp(`/status-updates/updates/${uuid}`)],
  ["series", "/calendar-audit", new RegExp(`/calendar-audit/series/${uuid}`)],
  ["brief", "/briefs", new RegExp(`/briefs/${uuid}(?=")`)],
];

const pages: PageSpec[] = [
  { name: "home", path: "/" },
  { name: "feed", path: "/status-updates" },
  { name: "update", path: (f) => f.links.get("update") },
  { name: "sla", path: "/sla" },
  { name: "sla board", path: (f) => f.teamId && `/sla/teams/${f.teamId}/board` },
  { name: "sla report", path: "/sla/reports" },
  { name: "calendar audit", path: "/calendar-audit" },
  { name: "series", path: (f) => f.links.get("series") },
  { name: "activity own", path: "/activity" },
  { name: "activity team", path: (f) => f.teamId && `/activity/teams/${f.teamId}` },
  { name: "briefs", path: "/briefs" },
  { name: "brief", path: (f) => f.links.get("brief") },
  { name: "decisions", path: "/briefs/decisions" },
  { name: "people", path: "/admin/people" },
  { name: "teams", path: "/teams" },
];

interface Target {
  label: "PGlite" | "Postgres";
  /** Already seeded by an earlier run with --keep. */
  seeded: boolean;
  env: Record<string, string | undefined>;
  open(): Promise<Database>;
  drop(): Promise<void>;
}

/** `keepAs`: a name to keep the seeded database under and reuse (--keep). */
function pgliteTarget(keepAs?: string): Target {
  const dataDir = keepAs ? join(tmpdir(), keepAs) : mkdtempSync(join(tmpdir(), "desktrust-pages-"));
  const marker = join(dataDir, ".seeded");
  return {
    label: "PGlite",
    seeded: keepAs !== undefined && existsSync(marker),
    env: { DATA_DIR: dataDir, DATABASE_URL: undefined },
    open: () => openDatabase({ dataDir }),
    drop: async () => {
      if (keepAs) writeFileSync(marker, "");
      else rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function postgresTarget(serverUrl: string, tag: string, keepAs?: string): Promise<Target> {
  const name = keepAs ?? `desktrust_pages_${tag}_${Date.now().toString(36)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const [existing] = await admin`select 1 from pg_database where datname = ${name}`;
  if (!existing) await admin.unsafe(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let seeded = false;
  if (existing) {
    const probe = postgres(url.toString(), { max: 1, onnotice: () => {} });
    seeded = await probe`select 1 from organization`.then((rows) => rows.length > 0).catch(() => false);
    await probe.end();
  }
  return {
    label: "Postgres",
    seeded,
    env: { DATABASE_URL: url.toString() },
    open: () => openDatabase({ url: url.toString() }),
    async drop() {
      if (!keepAs) await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

/** Runs a `desktrust` command on the target, echoing its progress lines. */
async function cli(target: Target, args: string[]): Promise<void> {
  const started = performance.now();
  const child = Bun.spawn([process.execPath, "server/cli/main.ts", ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: "warn", SMTP_URL: "", ...target.env } as Record<string, string>,
    stdout: "pipe",
    stderr: "inherit",
  });
  for await (const line of lines(child.stdout)) if (line.startsWith("[")) console.log(`    ${line}`);
  if ((await child.exited) !== 0) throw new Error(`desktrust ${args.join(" ")} failed`);
  console.log(`    desktrust ${args.join(" ")}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let rest = "";
  for await (const chunk of stream) {
    rest += decoder.decode(chunk, { stream: true });
    let nl = rest.indexOf("\n");
    while (nl !== -1) {
      yield rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      nl = rest.indexOf("\n");
    }
  }
  if (rest) yield rest;
}

/** A session for the owner, and the owner's first team. */
async function signIn(target: Target): Promise<{ cookie: string; teamId: string | undefined }> {
  const database = await target.open();
  try {
    const [owner] = await database.db.select({ id: people.id }).from(people).where(eq(people.email, DEMO_OWNER_EMAIL));
    if (!owner) throw new Error(`no ${DEMO_OWNER_EMAIL} in the seeded organization`);
    const { token } = await createSession(database.db, owner.id, new Date());
    const [team] = rowsOf<{ team_id: string }>(
      await database.db.execute(
        sql`select team_id from team_members where person_id = ${owner.id} order by team_id limit 1`,
      ),
    );
    // The bench measures pages, not a database that has never been analysed.
    await database.db.execute(sql`analyze`);
    return { cookie: `${SESSION_COOKIE}=${token}`, teamId: team?.team_id };
  } finally {
    await database.close();
  }
}

interface Row {
  name: string;
  path: string;
  result: LatencyResult;
  queries: number | undefined;
}

interface App {
  server: Server;
  /** The last lines the app wrote to stderr. */
  stderrTail(): string;
  /** Statements per request on `path`: a few sequential requests, read back from the request log. */
  queriesPerRequest(path: string, headers: Record<string, string>): Promise<number | undefined>;
}

/** The app with its request log read, so each line's `queries` can be tallied. */
async function startApp(target: Target): Promise<App> {
  const server = await spawnServer([process.execPath, "server/main.ts"], {
    ...target.env,
    LOG_LEVEL: flags["log-level"],
    PAGE_CACHE_MB: flags["page-cache-mb"],
    SMTP_URL: undefined,
  });
  let counting: { path: string; total: number; n: number } | undefined;
  void (async () => {
    for await (const line of lines(server.child.stdout)) {
      if (!counting || !line.includes('"msg":"request"')) continue;
      const entry = JSON.parse(line) as { path: string; queries?: number };
      if (entry.path === counting.path && entry.queries !== undefined) {
        counting.total += entry.queries;
        counting.n++;
      }
    }
  })();
  let stderr = "";
  void (async () => {
    for await (const line of lines(server.child.stderr)) stderr = `${stderr}\n${line}`.slice(-4000);
  })();
  return {
    server,
    stderrTail: () => stderr,
    async queriesPerRequest(path, headers) {
      const tally = { path: path.split("?")[0] as string, total: 0, n: 0 };
      counting = tally;
      for (let i = 0; i < 3; i++)
        await fetch(`${server.base}${path}`, { headers })
          .then((res) => res.arrayBuffer())
          .catch(() => undefined);
      await Bun.sleep(200);
      counting = undefined;
      return tally.n ? tally.total / tally.n : undefined;
    },
  };
}

async function measureTarget(target: Target, scaleLabel: string): Promise<void> {
  const { cookie, teamId } = await signIn(target);
  const headers = { Cookie: cookie };
  // The floor first, on its own; then the app.
  const floor = await spawnServer([process.execPath, "bench/floor.ts"], { ...target.env }, "/healthz");
  let floorResult: LatencyResult;
  try {
    await loadLatency(`${floor.base}/`, headers, warmup);
    floorResult = await loadLatency(`${floor.base}/`, headers, seconds);
  } finally {
    await floor.stop();
  }
  const app = await startApp(target);
  const rows: Row[] = [];
  try {
    const base = app.server.base;
    const found: Found = { teamId, links: new Map() };
    for (const [name, from, pattern] of linkSources) {
      const html = await (await fetch(`${base}${from}`, { headers })).text();
      const link = pattern.exec(html)?.[0];
      if (link) found.links.set(name, link);
    }
    for (const page of pages) {
      if (flags.only && !page.name.includes(flags.only)) continue;
      const path = typeof page.path === "string" ? page.path : page.path(found);
      if (!path) {
        console.log(`    (${page.name}: no link found to measure)`);
        continue;
      }
      if (app.server.child.exitCode !== null) throw new Error(`the app exited: ${app.stderrTail()}`);
      const status = await fetch(`${base}${path}`, { headers })
        .then(async (res) => {
          await res.arrayBuffer();
          return res.status;
        })
        .catch((error: unknown) => String(error));
      if (status !== 200) console.log(`    (${page.name}: ${path} answered ${status})`);
      await loadLatency(`${base}${path}`, headers, warmup);
      const result = await loadLatency(`${base}${path}`, headers, seconds);
      rows.push({ name: page.name, path, result, queries: await app.queriesPerRequest(path, headers) });
    }
  } catch (error) {
    console.log(`    stopped early: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await app.server.stop();
  }
  const pct = (r: LatencyResult): string => `${((r.rps / floorResult.rps) * 100).toFixed(1)} %`;
  console.log(
    `\n${target.label}, ${scaleLabel}: floor ${floorResult.rps.toFixed(0)} req/s (p50 ${floorResult.p50Ms.toFixed(1)} ms, p99 ${floorResult.p99Ms.toFixed(1)} ms)\n`,
  );
  console.log(
    table(
      ["page", "path", "req/s", "% floor", "p50", "p99", "queries", "KB", "errors"],
      rows.map((r) => [
        r.name,
        r.path.replace(new RegExp(uuid, "g"), ":id"),
        r.result.rps.toFixed(0),
        pct(r.result),
        `${r.result.p50Ms.toFixed(1)} ms`,
        `${r.result.p99Ms.toFixed(1)} ms`,
        r.queries === undefined ? "–" : r.queries.toFixed(1),
        (r.result.bytes / 1024).toFixed(1),
        r.result.errors,
      ]),
    ),
  );
}

const postgresUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
const scales: { label: string; seed: string[] }[] = flags.scale ? [] : [{ label: "demo organization", seed: ["demo"] }];
if (!quick || flags.scale)
  scales.push({
    label: `${flags.people} people × ${flags.weeks} weeks`,
    seed: ["seed", "--people", String(flags.people), "--weeks", String(flags.weeks)],
  });

console.log(
  `Pages vs the floor: ${seconds} s per page at 50 concurrent clients${postgresUrl ? "" : " (set TEST_DATABASE_URL to add Postgres)"}`,
);
for (const scale of scales) {
  const keepAs = flags.keep && scale.seed[0] === "seed" ? `desktrust_pages_${flags.people}x${flags.weeks}` : undefined;
  const targets: (() => Promise<Target>)[] = [async () => pgliteTarget(keepAs)];
  if (postgresUrl) targets.push(() => postgresTarget(postgresUrl, scale.seed[0] as string, keepAs));
  for (const make of targets) {
    const target = await make();
    try {
      if (target.seeded) console.log(`\n  reusing the seeded ${target.label} database: ${scale.label}`);
      else {
        console.log(`\n  seeding ${target.label}: ${scale.label}`);
        await cli(target, scale.seed);
      }
      await measureTarget(target, scale.label);
    } finally {
      await target.drop();
    }
  }
}
