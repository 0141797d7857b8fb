import { sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { rowsOf } from "../db/rows.ts";

/**
 * The `pg_dump` on PATH when it can dump this server: its major version must be at least the
 * server's (an older pg_dump refuses a newer server). `null` means "use the logical export".
 */
export async function compatiblePgDump(db: Db): Promise<string | null> {
  const binary = Bun.which("pg_dump");
  if (!binary) return null;
  const dumpMajor = majorOf(await toolVersion(binary));
  const [row] = rowsOf<{ v: string }>(await db.execute(sql`select current_setting('server_version_num') as v`));
  const serverMajor = Math.floor(Number(row?.v ?? 0) / 10_000);
  return dumpMajor !== null && dumpMajor >= serverMajor ? binary : null;
}

/** "pg_dump (PostgreSQL) 15.20 (Debian …)" → "15.20". */
export async function toolVersion(binary: string): Promise<string> {
  const child = Bun.spawn([binary, "--version"], { stdout: "pipe", stderr: "ignore" });
  const out = await new Response(child.stdout).text();
  await child.exited;
  return /\d+(\.\d+)?/.exec(out)?.[0] ?? "";
}

function majorOf(version: string): number | null {
  const major = Number.parseInt(version, 10);
  return Number.isFinite(major) ? major : null;
}

/** Runs a PostgreSQL client tool to completion; its stderr becomes the error message. */
export async function runTool(argv: string[]): Promise<void> {
  const child = Bun.spawn(argv, { stdout: "ignore", stderr: "pipe" });
  const [code, err] = await Promise.all([child.exited, new Response(child.stderr).text()]);
  if (code !== 0)
    throw new Error(`${argv[0]?.split("/").at(-1)} failed: ${err.trim().split("\n").slice(-3).join(" ")}`);
}

/** Writes a custom-format dump (compressed, restorable with pg_restore) to `path`. */
export async function pgDump(binary: string, url: string, path: string): Promise<void> {
  await runTool([binary, "--format=custom", "--no-owner", "--no-privileges", `--file=${path}`, `--dbname=${url}`]);
}
