import { afterAll, describe, expect, it } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { templatePath } from "../db/pglite-template.ts";

const root = join(import.meta.dir, "..", "..");
const dataDir = mkdtempSync(join(tmpdir(), "desktrust-lifecycle-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port as number;
  probe.stop(true);
  return port;
}

interface Running {
  child: Subprocess<"ignore", "pipe", "pipe">;
  base: string;
  output: Promise<string>;
}

/** Starts `bun server/main.ts` on PGlite in `dataDir` and waits until /healthz answers 200. */
async function start(): Promise<Running> {
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    BASE_URL: base,
    DATA_DIR: dataDir,
    LOG_LEVEL: "info",
  };
  delete env.DATABASE_URL;
  delete env.SMTP_URL;
  const child = Bun.spawn([process.execPath, "server/main.ts"], { cwd: root, env, stdout: "pipe", stderr: "pipe" });
  const output = new Response(child.stdout).text();
  // Generous: a first start on a busy machine can take many seconds; this is not a timing test.
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${await output}`);
    const ok = await fetch(`${base}/healthz`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return { child, base, output };
    await Bun.sleep(50);
  }
  child.kill("SIGKILL");
  throw new Error(`server did not become healthy:\n${await output}`);
}

async function stop(running: Running): Promise<{ code: number; logs: { msg: string }[] }> {
  running.child.kill("SIGTERM");
  const code = await running.child.exited;
  const logs = (await running.output)
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { msg: string });
  return { code, logs };
}

describe("server lifecycle", () => {
  it("ships a pre-initialized PGlite data directory for the installed PGlite, so a first start needs no initdb", () => {
    expect(existsSync(templatePath)).toBe(true);
  });

  it("starts on an empty DATA_DIR, stops cleanly on SIGTERM, and keeps its data across a restart", async () => {
    const first = await start();
    const setup = await fetch(`${first.base}/setup`, {
      method: "POST",
      redirect: "manual",
      headers: { Origin: first.base, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        orgName: "Lifecycle Ltd",
        emailDomains: "example.com",
        defaultTimeZone: "Europe/Berlin",
        ownerName: "Olga Owner",
        ownerEmail: "olga@example.com",
        password: "a long enough password",
      }),
    });
    expect(setup.status).toBe(303);
    expect(setup.headers.get("Location")).toBe("/");

    const stopped = await stop(first);
    expect(stopped.code).toBe(0);
    expect(stopped.logs.map((l) => l.msg)).toEqual(
      expect.arrayContaining(["desktrust started", "shutting down", "stopped"]),
    );
    expect(stopped.logs.at(-1)?.msg).toBe("stopped");

    const second = await start();
    try {
      // Set up already: the setup page sends visitors to sign in instead.
      const again = await fetch(`${second.base}/setup`, { redirect: "manual" });
      expect(again.status).toBe(303);
      expect(again.headers.get("Location")).toBe("/login");
      const login = await fetch(`${second.base}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { Origin: second.base, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ email: "olga@example.com", password: "a long enough password" }),
      });
      expect(login.status).toBe(303);
      expect(login.headers.get("Location")).toBe("/");
    } finally {
      expect((await stop(second)).code).toBe(0);
    }
  }, 180_000);
});
