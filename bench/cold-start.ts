// Cold start: `bun server/main.ts` on a fresh, empty DATA_DIR (PGlite restored from the shipped
// template) until the first 200 on /healthz, then the same on the existing directory. Peak RSS is
// the child's VmHWM. Five runs each; medians printed. Two baselines in the same runs: a bare
// `PGlite.create` with PGlite's defaults, and one with the page cache the server starts with
// (PGLITE_CACHE_MB), which is where most of the server's lead over the first comes from.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_PGLITE_CACHE_MB } from "../server/db/pglite-thread.ts";
import { appServer, cpuTimeMs, mb, median, peakRss, table } from "./lib.ts";

const RUNS = 5;

export interface ColdStartRow {
  scenario: string;
  readyMs: number;
  peakRssBytes: number;
  /** A bare PGlite open of the same directory in a fresh process, measured in the same run. */
  bareOpenMs: number;
  /** The same with the server's page cache (`shared_buffers`) instead of PGlite's 128 MB. */
  bareSameCacheMs: number;
  /** CPU time (all threads) the server used until ready, and the bare open until its exit. */
  cpuMs: number;
  bareCpuMs: number;
}

/** Spawn → `PGlite.create(dir)` ready, a query, closed → exit: milliseconds, and CPU milliseconds. */
async function bareOpen(dataDir: string, cacheMb?: number): Promise<{ ms: number; cpuMs: number }> {
  const started = performance.now();
  const args = [join(import.meta.dir, "pglite-open.ts"), dataDir, ...(cacheMb ? [String(cacheMb)] : [])];
  const child = Bun.spawn([process.execPath, ...args], {
    stdout: "ignore",
    stderr: "inherit",
  });
  if ((await child.exited) !== 0) throw new Error("bare PGlite open failed");
  const ms = performance.now() - started;
  const usage = child.resourceUsage();
  return { ms, cpuMs: usage ? Number(usage.cpuTime.total) / 1000 : 0 };
}

export async function coldStart(): Promise<ColdStartRow[]> {
  type Run = { ms: number; rss: number; cpu: number; bare: number; bareCpu: number; bareSame: number };
  const fresh: Run[] = [];
  const restart: Run[] = [];
  const cacheMb = Number(process.env.PGLITE_CACHE_MB) || DEFAULT_PGLITE_CACHE_MB;
  for (let i = 0; i < RUNS; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), "desktrust-bench-"));
    const bareDir = mkdtempSync(join(tmpdir(), "desktrust-bench-bare-"));
    const sameDir = mkdtempSync(join(tmpdir(), "desktrust-bench-bare-"));
    try {
      for (const into of [fresh, restart]) {
        const bare = await bareOpen(bareDir);
        const bareSame = await bareOpen(sameDir, cacheMb);
        const server = await appServer({ DATA_DIR: dataDir, DATABASE_URL: undefined, SMTP_URL: undefined });
        // The server's RSS and CPU with its database thread: one process.
        into.push({
          ms: server.readyMs,
          rss: peakRss(server.child.pid),
          cpu: cpuTimeMs(server.child.pid),
          bare: bare.ms,
          bareCpu: bare.cpuMs,
          bareSame: bareSame.ms,
        });
        const code = await server.stop();
        if (code !== 0) throw new Error(`server exited with ${code}`);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(bareDir, { recursive: true, force: true });
      rmSync(sameDir, { recursive: true, force: true });
    }
  }
  const row = (scenario: string, runs: typeof fresh): ColdStartRow => ({
    scenario,
    readyMs: median(runs.map((r) => r.ms)),
    peakRssBytes: median(runs.map((r) => r.rss)),
    bareOpenMs: median(runs.map((r) => r.bare)),
    bareSameCacheMs: median(runs.map((r) => r.bareSame)),
    cpuMs: median(runs.map((r) => r.cpu)),
    bareCpuMs: median(runs.map((r) => r.bareCpu)),
  });
  return [row("first start, empty DATA_DIR", fresh), row("restart, existing DATA_DIR", restart)];
}

export function printColdStart(rows: ColdStartRow[]): void {
  console.log(
    `\nCold start on PGlite (median of ${RUNS} runs; spawn → first 200 on /healthz, vs spawn → a bare PGlite.create of the same kind of directory, with PGlite's defaults and with the server's page cache)\n`,
  );
  console.log(
    table(
      ["scenario", "ready", "bare PGlite open", "ratio", "bare, same cache", "ratio", "CPU (bare)", "peak RSS"],
      rows.map((r) => [
        r.scenario,
        `${r.readyMs.toFixed(0)} ms`,
        `${r.bareOpenMs.toFixed(0)} ms`,
        `${(r.readyMs / r.bareOpenMs).toFixed(2)}×`,
        `${r.bareSameCacheMs.toFixed(0)} ms`,
        `${(r.readyMs / r.bareSameCacheMs).toFixed(2)}×`,
        r.cpuMs ? `${r.cpuMs.toFixed(0)} ms (${r.bareCpuMs.toFixed(0)})` : "n/a",
        r.peakRssBytes ? mb(r.peakRssBytes) : "n/a",
      ]),
    ),
  );
}

if (import.meta.main) printColdStart(await coldStart());
