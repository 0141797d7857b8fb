// An authenticated page against a raw Bun.serve hello response, measured in the same run, on
// PGlite and on Postgres. The page is the admin people list with 50 people; where that page
// does not exist yet, the home page is measured instead (and the table says so).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { createSession, SESSION_COOKIE } from "../server/auth/session.ts";
import { coreMigrations } from "../server/boot.ts";
import { type Database, openDatabase } from "../server/db/index.ts";
import { migrate } from "../server/db/migrate.ts";
import { organization } from "../server/org/schema.ts";
import { createPerson } from "../server/people/people.ts";
import { appServer, helloServer, type LoadResult, load, table } from "./lib.ts";

const PEOPLE = 50;
const PAGE = "/admin/people";
const FALLBACK = "/";

/** Creates the organization, 50 people and a signed-in admin; returns the session cookie. */
async function seed(database: Database): Promise<string> {
  await migrate(database.db, { owner: "core", folder: coreMigrations });
  await database.db.insert(organization).values({ id: 1, name: "Bench Org", defaultTimeZone: "Europe/Berlin" });
  const admin = await createPerson(database.db, {
    email: "admin@bench.example",
    name: "Ada Admin",
    role: "admin",
    timeZone: "Europe/Berlin",
  });
  for (let i = 1; i < PEOPLE; i++) {
    await createPerson(database.db, {
      email: `person${i}@bench.example`,
      name: `Person ${String(i).padStart(2, "0")}`,
      role: i % 10 === 0 ? "manager" : "member",
      timeZone: ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney"][i % 4] as string,
    });
  }
  const { token } = await createSession(database.db, admin.id, new Date());
  return `${SESSION_COOKIE}=${token}`;
}

export interface PageRow {
  database: string;
  path: string;
  page: LoadResult;
  hello: LoadResult;
}

async function measure(label: string, env: Record<string, string | undefined>, cookie: string): Promise<PageRow> {
  const app = await appServer(env);
  const hello = await helloServer();
  try {
    let path = PAGE;
    let probe = await fetch(`${app.base}${path}`, { headers: { Cookie: cookie }, redirect: "manual" });
    if (probe.status === 404) {
      path = FALLBACK;
      probe = await fetch(`${app.base}${path}`, { headers: { Cookie: cookie }, redirect: "manual" });
    }
    if (probe.status !== 200) throw new Error(`${path} answered ${probe.status}, expected 200 for a signed-in admin`);
    await load(`${app.base}${path}`, { Cookie: cookie }, 1); // warm up
    const page = await load(`${app.base}${path}`, { Cookie: cookie });
    const base = await load(`${hello.base}/`);
    return { database: label, path: path === PAGE ? path : `${path} (fallback: ${PAGE} is 404)`, page, hello: base };
  } finally {
    await Promise.all([app.stop(), hello.stop()]);
  }
}

async function onPglite(): Promise<PageRow> {
  const dataDir = mkdtempSync(join(tmpdir(), "desktrust-bench-"));
  try {
    const database = await openDatabase({ dataDir });
    const cookie = await seed(database).finally(() => database.close());
    return await measure("PGlite", { DATA_DIR: dataDir, DATABASE_URL: undefined, SMTP_URL: undefined }, cookie);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function onPostgres(serverUrl: string): Promise<PageRow> {
  const name = `desktrust_bench_${Date.now().toString(36)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    const database = await openDatabase({ url: url.toString() });
    const cookie = await seed(database).finally(() => database.close());
    return await measure("Postgres", { DATABASE_URL: url.toString(), SMTP_URL: undefined }, cookie);
  } finally {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

/** Postgres server to create the bench database on; skip Postgres when unreachable. */
const postgresUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export async function pageBench(): Promise<PageRow[]> {
  const rows = [await onPglite()];
  const probe = postgres(postgresUrl, { max: 1, connect_timeout: 2, onnotice: () => {} });
  const reachable = await probe
    .unsafe("select 1")
    .then(() => true)
    .catch(() => false);
  await probe.end();
  if (reachable) rows.push(await onPostgres(postgresUrl));
  else console.log(`(Postgres at ${postgresUrl.replace(/\/\/[^@]*@/, "//…@")} unreachable; measured PGlite only)`);
  return rows;
}

export function printPageBench(rows: PageRow[]): void {
  const tool = rows[0]?.page.tool ?? "wrk";
  console.log(
    `\nAuthenticated page vs raw Bun.serve hello (${tool}${tool === "wrk" ? " -t2 -c50 -d5s" : ", 50 in flight, 5 s"}; ${PEOPLE} people)\n`,
  );
  console.log(
    table(
      ["database", "page", "page req/s", "page mean latency", "hello req/s", "page / hello", "errors"],
      rows.map((r) => [
        r.database,
        r.path,
        r.page.rps.toFixed(0),
        `${r.page.latencyMs.toFixed(2)} ms`,
        r.hello.rps.toFixed(0),
        `${((r.page.rps / r.hello.rps) * 100).toFixed(1)} %`,
        r.page.errors + r.hello.errors,
      ]),
    ),
  );
}

if (import.meta.main) printPageBench(await pageBench());
