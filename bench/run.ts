// All benchmarks: `npm run bench`. Each file also runs on its own, e.g. `bun bench/page.ts`.
// Every other bench/*.ts (events, digest, render, and each plugin's) runs as its own process
// so one benchmark's memory and database never affect another's.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { coldStart, printColdStart } from "./cold-start.ts";
import { pageBench, printPageBench } from "./page.ts";

printColdStart(await coldStart());
printPageBench(await pageBench());

// floor.ts is the server pages.ts compares with; pages.ts runs in its short form here (the full
// run seeds 1,000 people and takes many minutes: `bun bench/pages.ts`).
const skip = new Set(["run.ts", "lib.ts", "cold-start.ts", "page.ts", "pglite-open.ts", "floor.ts"]);
const args: Record<string, string[]> = { "pages.ts": ["--quick"] };
for (const file of readdirSync(import.meta.dir).sort()) {
  if (skip.has(file) || !/\.tsx?$/.test(file)) continue;
  console.log(`\n# ${file}`);
  const child = Bun.spawn([process.execPath, join(import.meta.dir, file), ...(args[file] ?? [])], {
    stdout: "inherit",
    stderr: "inherit",
  });
  if ((await child.exited) !== 0) console.log(`${file} failed (exit ${child.exitCode})`);
}
