import { join } from "node:path";

const root = join(import.meta.dir, "..", "..");

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs `desktrust <args>` as an operator would: a subprocess on embedded PGlite in `dataDir`
 * (DATABASE_URL is removed — these tests are about the command line, not the driver).
 *
 * @example
 * const { code, out } = await runCli(["demo"], { dataDir });
 */
export async function runCli(
  args: string[],
  options: { dataDir?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  delete env.DATABASE_URL;
  if (options.dataDir) env.DATA_DIR = options.dataDir;
  const child = Bun.spawn([process.execPath, "server/cli/main.ts", ...args], {
    cwd: root,
    env,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [code, out, err] = await Promise.all([
    child.exited,
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  return { code, out, err };
}
