#!/usr/bin/env node
// `npx desktrust <command>`: runs the command line with the project's own Bun, so a machine
// with only Node and npm works too. Arguments, stdio and the exit code pass straight through.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "server", "cli", "main.ts");

function findBun() {
  const local = join(root, "node_modules", ".bin", process.platform === "win32" ? "bun.exe" : "bun");
  if (existsSync(local)) return local;
  try {
    // The `bun` npm package keeps its binary in bin/ beside its package.json (named bun.exe on
    // every platform in recent versions).
    const pkg = createRequire(import.meta.url).resolve("bun/package.json");
    for (const name of ["bun.exe", "bun"]) {
      const bin = join(dirname(pkg), "bin", name);
      if (existsSync(bin)) return bin;
    }
  } catch {
    // Not installed as a package; fall back to a bun on PATH.
  }
  return "bun";
}

const child = spawn(findBun(), [entry, ...process.argv.slice(2)], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("error", (error) => {
  console.error(`desktrust: could not start Bun (${error.message}). Run "npm install" first.`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
