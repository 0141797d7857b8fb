// The embedded database never holds the request thread: /healthz latency (p50/p99, 4 clients in a
// closed loop) at rest, while the demo organization loads, while a 10 MB calendar imports and
// while the activity rollup runs — on PGlite and on Postgres, in one run. Then /healthz and a
// page (the sign-in page) in requests/s on both.
// Run: `bun bench/embedded-db.ts` (Postgres from BENCH_DATABASE_URL, default the local server).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { appServer, load, type Server, table } from "./lib.ts";

const serverUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

interface Latencies {
  p50: number;
  p99: number;
  n: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

/** Probes /healthz with `clients` closed loops until `during` settles. */
async function healthDuring(base: string, during: Promise<unknown>, clients = 4): Promise<Latencies> {
  let done = false;
  void during.finally(() => {
    done = true;
  });
  const samples: number[] = [];
  const loop = async (): Promise<void> => {
    while (!done) {
      const t = performance.now();
      await fetch(`${base}/healthz`).then((r) => r.arrayBuffer());
      samples.push(performance.now() - t);
    }
  };
  await Promise.all([during, ...Array.from({ length: clients }, loop)]);
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), n: samples.length };
}

/** A browser: keeps cookies, sends Origin on posts. */
function browser(base: string) {
  const jar = new Map<string, string>();
  const request = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    if (jar.size) headers.set("Cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
    if (init.method === "POST") headers.set("Origin", base);
    const res = await fetch(`${base}${path}`, { ...init, headers, redirect: "manual" });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const [k, ...v] = (pair ?? "").split("=");
      if (k) jar.set(k.trim(), v.join("="));
    }
    return res;
  };
  return { request };
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 600_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > end) throw new Error(`${what} did not finish`);
    await Bun.sleep(100);
  }
}

/** About 10 MB of calendar: weekly series and one-off meetings with attendees. */
function bigCalendar(): string {
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN"];
  for (let i = 0; i < 26_000; i++) {
    lines.push(
      "BEGIN:VEVENT",
      `UID:bench-${i}@example.com`,
      `DTSTART:2026${String((i % 12) + 1).padStart(2, "0")}${String((i % 27) + 1).padStart(2, "0")}T${String(8 + (i % 9)).padStart(2, "0")}0000Z`,
      "DURATION:PT45M",
      `SUMMARY:Meeting ${i} about the quarterly plan and its follow-ups`,
      `DESCRIPTION:${"Agenda item. ".repeat(12)}`,
      ...(i % 5 === 0 ? ["RRULE:FREQ=WEEKLY;COUNT=30"] : []),
      `ORGANIZER:mailto:lead${i % 40}@northwind.example`,
      `ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:p${i % 90}@northwind.example`,
      `ATTENDEE;ROLE=OPT-PARTICIPANT;PARTSTAT=TENTATIVE:mailto:p${(i + 7) % 90}@northwind.example`,
      "END:VEVENT",
    );
  }
  lines.push("END:VCALENDAR");
  return `${lines.join("\r\n")}\r\n`;
}

interface Row {
  database: string;
  phase: string;
  p50: number;
  p99: number;
  n: number;
}

async function scenario(name: string, server: Server, ics: string): Promise<{ rows: Row[]; rps: string[] }> {
  const rows: Row[] = [];
  const add = (phase: string, l: Latencies): void => {
    rows.push({ database: name, phase, ...l });
  };
  add("at rest (3 s)", await healthDuring(server.base, Bun.sleep(3000)));

  const visitor = browser(server.base);
  const demo = (async () => {
    const started = await visitor.request("/setup/demo", { method: "POST" });
    const progress = started.headers.get("Location") ?? "";
    await until(async () => {
      const res = await visitor.request(progress, { headers: { "HX-Request": "true" } });
      await res.arrayBuffer();
      return res.headers.get("HX-Redirect") !== null;
    }, "the demo");
    await visitor.request("/setup/demo/enter");
  })();
  add("while the demo loads", await healthDuring(server.base, demo));

  const form = new FormData();
  form.append("files", new File([ics], "big.ics", { type: "text/calendar" }));
  form.append("target", "me");
  const importing = (async () => {
    const res = await visitor.request("/calendar-audit/upload", { method: "POST", body: form });
    const page = res.headers.get("Location") ?? "";
    if (!page.startsWith("/calendar-audit/imports/")) throw new Error(`upload answered ${res.status} ${page}`);
    await until(async () => !(await (await visitor.request(page)).text()).includes("hx-trigger"), "the import");
  })();
  add(`while a ${(ics.length / 1_048_576).toFixed(1)} MB calendar imports`, await healthDuring(server.base, importing));

  const rollup = visitor.request("/admin/jobs/activity.rollup/run", { method: "POST" }).then((r) => r.arrayBuffer());
  add("while the activity rollup runs", await healthDuring(server.base, rollup));

  const health = await load(`${server.base}/healthz`, {}, 5);
  const page = await load(`${server.base}/login`, {}, 5);
  return { rows, rps: [name, health.rps.toFixed(0), page.rps.toFixed(0)] };
}

export async function embeddedBench(): Promise<void> {
  const ics = bigCalendar();
  const dataDir = mkdtempSync(join(tmpdir(), "desktrust-bench-embedded-"));
  const dbName = `desktrust_bench_${Date.now().toString(36)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const results: { rows: Row[]; rps: string[] }[] = [];
  try {
    const pglite = await appServer({ DATA_DIR: dataDir, DATABASE_URL: undefined, SMTP_URL: undefined });
    try {
      results.push(await scenario("PGlite", pglite, ics));
    } finally {
      await pglite.stop();
    }
    await admin.unsafe(`create database "${dbName}"`);
    const url = new URL(serverUrl);
    url.pathname = `/${dbName}`;
    const pg = await appServer({ DATABASE_URL: url.toString(), SMTP_URL: undefined });
    try {
      results.push(await scenario("Postgres", pg, ics));
    } finally {
      await pg.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await admin.unsafe(`drop database if exists "${dbName}" with (force)`).catch(() => {});
    await admin.end();
  }
  console.log("\n/healthz latency while long work runs (4 clients, closed loop)\n");
  console.log(
    table(
      ["database", "phase", "p50", "p99", "probes"],
      results
        .flatMap((r) => r.rows)
        .map((r) => [r.database, r.phase, `${r.p50.toFixed(1)} ms`, `${r.p99.toFixed(1)} ms`, r.n]),
    ),
  );
  console.log("\nThroughput (50 connections, 5 s)\n");
  console.log(
    table(
      ["database", "/healthz req/s", "/login req/s"],
      results.map((r) => r.rps),
    ),
  );
  const [lite, pg] = results;
  if (lite && pg) {
    console.log(
      `\nPGlite / Postgres: /healthz ${(Number(lite.rps[1]) / Number(pg.rps[1])).toFixed(2)}, /login ${(Number(lite.rps[2]) / Number(pg.rps[2])).toFixed(2)}`,
    );
  }
}

if (import.meta.main) await embeddedBench();
