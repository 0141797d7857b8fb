// Cold start: `bun server/main.ts` on a fresh, empty DATA_DIR (PGlite restored from the shipped
// template) until the first 200 on /healthz, then the same on the existing directory. Peak RSS is
// the child's VmHWM. Three runs each; medians printed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appServer, mb, median, peakRss, table } from "./lib.ts";

const RUNS = 3;

export interface ColdStartRow {
  scenario: string;
  readyMs: number;
  peakRssBytes: number;
}

export async function coldStart(): Promise<ColdStartRow[]> {
  const fresh: { ms: number; rss: number }[] = [];
  const restart: { ms: number; rss: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), "desktrust-bench-"));
    try {
      for (const into of [fresh, restart]) {
        const server = await appServer({ DATA_DIR: dataDir, DATABASE_URL: undefined, SMTP_URL: undefined });
        into.push({ ms: server.readyMs, rss: peakRss(server.child.pid) });
        const code = await server.stop();
        if (code !== 0) throw new Error(`server exited with ${code}`);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return [
    {
      scenario: "first start, empty DATA_DIR",
      readyMs: median(fresh.map((r) => r.ms)),
      peakRssBytes: median(fresh.map((r) => r.rss)),
    },
    {
      scenario: "restart, existing DATA_DIR",
      readyMs: median(restart.map((r) => r.ms)),
      peakRssBytes: median(restart.map((r) => r.rss)),
    },
  ];
}

export function printColdStart(rows: ColdStartRow[]): void {
  console.log(`\nCold start on PGlite (median of ${RUNS} runs; spawn → first 200 on /healthz)\n`);
  console.log(
    table(
      ["scenario", "ready", "peak RSS"],
      rows.map((r) => [r.scenario, `${r.readyMs.toFixed(0)} ms`, r.peakRssBytes ? mb(r.peakRssBytes) : "n/a"]),
    ),
  );
}

if (import.meta.main) printColdStart(await coldStart());
