import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";

export const root = join(import.meta.dir, "..");

export function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port as number;
  probe.stop(true);
  return port;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** CPU time (user + system, every thread) a process has used so far, in ms (Linux only; 0 elsewhere). */
export function cpuTimeMs(pid: number): number {
  try {
    const fields = (readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1] ?? "").split(" ");
    // utime and stime, in clock ticks of 1/100 s.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** Peak resident memory of a process so far, in bytes (Linux only; 0 elsewhere). */
export function peakRss(pid: number): number {
  try {
    const match = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmHWM:\s+(\d+) kB/m);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export interface Server {
  base: string;
  child: Subprocess<"ignore", "pipe", "pipe">;
  /** Milliseconds from spawn to the first 200 on /healthz (or `/` for the baseline). */
  readyMs: number;
  stop(): Promise<number>;
}

/** Spawns a server process bound to 127.0.0.1 and waits until `readyPath` answers 200. */
export async function spawnServer(
  cmd: string[],
  env: Record<string, string | undefined>,
  readyPath = "/healthz",
): Promise<Server> {
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const childEnv: Record<string, string | undefined> = {
    ...process.env,
    LOG_LEVEL: "warn",
    ...env,
    PORT: String(port),
    HOST: "127.0.0.1",
    BASE_URL: base,
  };
  for (const [k, v] of Object.entries(childEnv)) if (v === undefined) delete childEnv[k];
  const started = performance.now();
  const child = Bun.spawn(cmd, { cwd: root, env: childEnv, stdout: "pipe", stderr: "pipe" });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${cmd.join(" ")} exited: ${await new Response(child.stderr).text()}`);
    const ok = await fetch(`${base}${readyPath}`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) break;
    if (performance.now() - started > 60_000) {
      child.kill("SIGKILL");
      throw new Error(`${cmd.join(" ")} did not start within 60 s`);
    }
    await Bun.sleep(5);
  }
  const readyMs = performance.now() - started;
  return {
    base,
    child,
    readyMs,
    async stop() {
      child.kill("SIGTERM");
      return child.exited;
    },
  };
}

export const appServer = (env: Record<string, string | undefined>): Promise<Server> =>
  spawnServer([process.execPath, "server/main.ts"], env);

/** A raw Bun.serve hello response in its own process: the baseline a page is compared with. */
export const helloServer = (): Promise<Server> =>
  spawnServer(
    [
      process.execPath,
      "-e",
      'Bun.serve({ port: Number(process.env.PORT), hostname: "127.0.0.1", fetch: () => new Response("hello") })',
    ],
    {},
    "/",
  );

export interface LoadResult {
  tool: "wrk" | "fetch loop";
  rps: number;
  /** Mean latency in milliseconds. */
  latencyMs: number;
  errors: number;
}

const wrkPath = Bun.which("wrk");

/** Requests/s against one URL: wrk -t2 -c50 when installed, else a fetch loop with 50 in flight. */
export async function load(url: string, headers: Record<string, string> = {}, seconds = 5): Promise<LoadResult> {
  if (wrkPath) {
    const args = [wrkPath, "-t2", "-c50", `-d${seconds}s`, "--latency"];
    for (const [k, v] of Object.entries(headers)) args.push("-H", `${k}: ${v}`);
    const proc = Bun.spawn([...args, url], { stdout: "pipe", stderr: "pipe" });
    const out = await new Response(proc.stdout).text();
    await proc.exited;
    const rps = Number(out.match(/Requests\/sec:\s+([\d.]+)/)?.[1] ?? 0);
    const lat = out.match(/Latency\s+([\d.]+)(us|ms|s)/);
    const unit = lat?.[2] === "us" ? 0.001 : lat?.[2] === "s" ? 1000 : 1;
    const errors = Number(out.match(/Non-2xx or 3xx responses:\s+(\d+)/)?.[1] ?? 0);
    return { tool: "wrk", rps, latencyMs: Number(lat?.[1] ?? 0) * unit, errors };
  }
  const until = performance.now() + seconds * 1000;
  let done = 0;
  let errors = 0;
  let totalMs = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < until) {
      const t = performance.now();
      const res = await fetch(url, { headers });
      await res.arrayBuffer();
      totalMs += performance.now() - t;
      if (res.status >= 400) errors++;
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: 50 }, worker));
  return { tool: "fetch loop", rps: done / ((performance.now() - started) / 1000), latencyMs: totalMs / done, errors };
}

/** Prints rows as an aligned text table. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i] as number)).join("  ");
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

export interface LatencyResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** Mean response size in bytes. */
  bytes: number;
}

/**
 * A loopback load generator in Bun: `clients` concurrent keep-alive clients request `url` for
 * `seconds`, every latency recorded (no wrk needed).
 */
export async function loadLatency(
  url: string,
  headers: Record<string, string> = {},
  seconds = 5,
  clients = 50,
): Promise<LatencyResult> {
  const latencies: number[] = [];
  let errors = 0;
  let bytes = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  const client = async (): Promise<void> => {
    while (performance.now() < until) {
      const t = performance.now();
      try {
        const res = await fetch(url, { headers, redirect: "manual" });
        bytes += (await res.arrayBuffer()).byteLength;
        if (res.status !== 200) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? 0;
  return {
    rps: latencies.length / elapsed,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    errors,
    bytes: latencies.length ? bytes / latencies.length : 0,
  };
}
