import { afterAll, describe, expect, it } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { openDatabase } from "../db/index.ts";
import { templatePath } from "../db/pglite-template.ts";
import { teams } from "../people/schema.ts";

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

function serverEnv(port: number, dir: string): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    BASE_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dir,
    LOG_LEVEL: "info",
  };
  delete env.DATABASE_URL;
  delete env.SMTP_URL;
  return env;
}

/** Starts `bun server/main.ts` on PGlite in `dataDir` and waits until /healthz answers 200. */
async function start(dir: string = dataDir): Promise<Running> {
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = serverEnv(port, dir);
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

  it("starts after a first start was cut off while unpacking the template (leftover folders)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "desktrust-cutoff-"));
    try {
      // An empty database folder and a half-unpacked one beside it, as a kill -9 may leave them.
      mkdirSync(join(dir, "pgdata"));
      mkdirSync(join(dir, "pgdata.partial", "base"), { recursive: true });
      writeFileSync(join(dir, "pgdata.partial", "base", "garbage"), "x");
      const running = await start(dir);
      expect((await fetch(`${running.base}/healthz`)).status).toBe(200);
      expect((await stop(running)).code).toBe(0);
      expect(existsSync(join(dir, "pgdata", "PG_VERSION"))).toBe(true);
      expect(existsSync(join(dir, "pgdata.partial"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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

describe("one owner per data directory, and a clean stop", () => {
  const dir = mkdtempSync(join(tmpdir(), "desktrust-owner-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses a second server on the same DATA_DIR with one clear line, and takes over after a crash", async () => {
    const first = await start(dir);
    try {
      const port = freePort();
      const second = Bun.spawn([process.execPath, "server/main.ts"], {
        cwd: root,
        env: serverEnv(port, dir),
        stdout: "pipe",
        stderr: "pipe",
      });
      const [code, err] = await Promise.all([second.exited, new Response(second.stderr).text()]);
      expect(code).toBe(1);
      expect(err.trim().split("\n")).toHaveLength(1);
      expect(err).toContain("is in use by another DeskTrust process");
      expect(err).toContain(`pid ${first.child.pid}`);
      // The first one was not disturbed.
      expect((await fetch(`${first.base}/healthz`)).status).toBe(200);
    } finally {
      first.child.kill("SIGKILL");
      await first.child.exited;
    }
    // A crash leaves the lock file behind; its process is gone, so the next start takes over.
    const again = await start(dir);
    expect((await stop(again)).code).toBe(0);
  }, 240_000);

  it("finishes in-flight writes on SIGTERM: every acknowledged write is there after a restart", async () => {
    const running = await start(dir);
    const form = (fields: Record<string, string>): RequestInit => ({
      method: "POST",
      redirect: "manual",
      headers: { Origin: running.base, "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
      body: new URLSearchParams(fields),
    });
    let cookie = "";
    const setup = await fetch(`${running.base}/setup`, {
      ...form({
        orgName: "Stop Ltd",
        emailDomains: "example.com",
        defaultTimeZone: "UTC",
        ownerName: "Sam Stop",
        ownerEmail: "sam@example.com",
        password: "a long enough password",
      }),
    });
    expect(setup.status).toBe(303);
    cookie = (setup.headers.getSetCookie()[0] ?? "").split(";")[0] ?? "";
    const names = Array.from({ length: 24 }, (_, i) => `Team ${i}`);
    const writes = names.map((name) =>
      fetch(`${running.base}/admin/teams`, form({ name, timeZone: "UTC" })).then(
        (r) => (r.status === 303 ? name : null),
        () => null,
      ),
    );
    await Bun.sleep(15);
    running.child.kill("SIGTERM");
    const acknowledged = (await Promise.all(writes)).filter((n): n is string => n !== null);
    expect(await running.child.exited).toBe(0);
    expect(acknowledged.length).toBeGreaterThan(0);
    const database = await openDatabase({ dataDir: dir });
    try {
      const stored = new Set((await database.db.select({ name: teams.name }).from(teams)).map((t) => t.name));
      for (const name of acknowledged) expect(stored.has(name)).toBe(true);
    } finally {
      await database.close();
    }
  }, 240_000);
});
