import { afterAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { verifyPassword } from "../auth/password.ts";
import { invites } from "../auth/schema.ts";
import { hashToken } from "../auth/tokens.ts";
import { openDatabase } from "../db/index.ts";
import { findPersonByEmail } from "../people/people.ts";
import { runCli } from "../testing/cli.ts";
import { createCommandRegistry, defineCommand, parseOptions } from "./commands.ts";

const root = join(import.meta.dir, "..", "..");
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "desktrust-cli-"));
  dirs.push(dir);
  return dir;
}

/** Runs the CLI as a user would, on embedded PGlite in `dataDir`. */
const cli = (args: string[], dataDir?: string) =>
  runCli(args, { env: { BASE_URL: "https://desk.example.com" }, ...(dataDir ? { dataDir } : {}) });

describe("desktrust CLI", () => {
  it("lists every command with its summary and options", async () => {
    const { code, out } = await cli(["--help"]);
    expect(code).toBe(0);
    for (const name of ["migrate", "create-admin", "demo", "kudos:count", "help"])
      expect(out).toMatch(new RegExp(`^  ${name} +\\S`, "m"));
    for (const option of ["--email <email>", "--name <name>", "--role <role>", "--invite"])
      expect(out).toContain(option);
    expect((await cli(["help"])).out).toBe(out);
  });

  it("rejects bad arguments with exit code 2 and one line naming the option", async () => {
    const cases: [string[], string][] = [
      [["create-admin", "--email", "not-an-email", "--name", "Ann"], "--email"],
      [["create-admin", "--email", "ann@example.com"], "--name"],
      [["create-admin", "--email", "ann@example.com", "--name", "Ann", "--role", "member"], "--role"],
      [["create-admin", "--email", "ann@example.com", "--name", "Ann", "--colour", "red"], "--colour"],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(args)));
    results.forEach((result, i) => {
      const option = (cases[i] as [string[], string])[1];
      expect(result.code).toBe(2);
      expect(result.out).toBe("");
      expect(result.err.trimEnd().split("\n")).toHaveLength(1);
      expect(result.err).toContain(option);
    });
  });

  it.skipIf(!Bun.which("node"))(
    "runs under Node through bin/desktrust.js, forwarding output and exit code",
    async () => {
      const child = Bun.spawn(["node", "bin/desktrust.js", "frobnicate"], {
        cwd: root,
        stdout: "pipe",
        stderr: "pipe",
      });
      const [code, err] = await Promise.all([child.exited, new Response(child.stderr).text()]);
      expect(code).toBe(2);
      expect(err).toContain('unknown command "frobnicate"');
    },
  );

  it("answers an unknown command with exit code 2 and a pointer to --help", async () => {
    const { code, err } = await cli(["frobnicate"]);
    expect(code).toBe(2);
    expect(err).toContain('unknown command "frobnicate"');
    expect(err).toContain("--help");
  });

  it("migrates, creates admins, loads the demo once, and keeps all of it in DATA_DIR", async () => {
    const dataDir = tempDataDir();

    const first = await cli(["migrate"], dataDir);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/Applied \d+ migrations?/);
    // Core's migrations may already be in the embedded database's template; plugins' are not.
    expect(first.out).toMatch(/kudos [0-9a-f]{64}/);
    const again = await cli(["migrate"], dataDir);
    expect(again.code).toBe(0);
    expect(again.out).toContain("no migrations were pending");

    const early = await cli(["create-admin", "--email", "ops@example.com", "--name", "Ops"], dataDir);
    expect(early.code).toBe(1);
    expect(early.err).toContain("no organization yet");
    expect(early.err).toContain("desktrust demo");

    const demo = await cli(["demo"], dataDir);
    expect(demo.code).toBe(0);
    expect(demo.out).toContain("Loaded the demo organization");
    // Plugin commands run as <plugin-id>:<name> with the plugin's services.
    const kudos = await cli(["kudos:count"], dataDir);
    expect(kudos.code).toBe(0);
    expect(Number(kudos.out.trim())).toBeGreaterThan(0);
    expect((await cli(["kudos:count", "--since", "2099-01-01"], dataDir)).out.trim()).toBe("0");
    const demoAgain = await cli(["demo"], dataDir);
    expect(demoAgain.code).toBe(1);
    expect(demoAgain.err).toContain("already set up");

    const admin = await cli(
      ["create-admin", "--email", "Ops@Example.com", "--name", "Olu Ops", "--role", "owner"],
      dataDir,
    );
    expect(admin.code).toBe(0);
    const password = admin.out.trimEnd().split("\n").at(-1) as string;
    expect(password).toMatch(/^[a-z2-7]{32}$/);

    const invited = await cli(["create-admin", "--email", "ines@example.com", "--name", "Inès", "--invite"], dataDir);
    expect(invited.code).toBe(0);
    const link = invited.out.match(/https:\/\/desk\.example\.com\/invite\/([a-z2-7]+)/);
    expect(link).not.toBeNull();
    const token = link?.[1] as string;

    const duplicate = await cli(["create-admin", "--email", "ops@example.com", "--name", "Again"], dataDir);
    expect(duplicate.code).toBe(1);
    expect(duplicate.err).toContain("already exists");

    const database = await openDatabase({ dataDir });
    try {
      const owner = await findPersonByEmail(database.db, "ops@example.com");
      expect(owner?.role).toBe("owner");
      expect(await verifyPassword(password, owner?.passwordHash ?? null)).toBe(true);

      expect(await findPersonByEmail(database.db, "ines@example.com")).toBeNull();
      const [invite] = await database.db.select().from(invites).where(eq(invites.email, "ines@example.com"));
      expect(invite?.tokenHash).toBe(hashToken(token));
      expect(invite?.role).toBe("admin");
      const days = ((invite?.expiresAt.getTime() ?? 0) - (invite?.createdAt.getTime() ?? 0)) / 86_400_000;
      expect(days).toBe(7);
    } finally {
      await database.close();
    }
  }, 300_000);
});

describe("command registry", () => {
  const hello = defineCommand({
    name: "sla:hello",
    summary: "Say hello.",
    options: z.object({
      times: z.coerce.number().int().min(1, "a whole number of at least 1").default(1).describe("How often"),
      loud: z.boolean().default(false).describe("Shout"),
    }),
    async run(ctx, args) {
      ctx.print("hello".repeat(args.times));
      return 0;
    },
  });

  it("takes plugin commands only under the plugin's own prefix", () => {
    const registry = createCommandRegistry();
    registry.register(hello, "sla");
    expect(registry.get("sla:hello")).toBe(hello);
    expect(() => registry.register(hello, "activity")).toThrow('must be named "activity:<kebab-case>"');
    expect(() => registry.register(hello)).toThrow("kebab-case");
    expect(() => registry.register(hello, "sla")).toThrow("registered twice");
  });

  it("parses values, flags and defaults through the command's schema", () => {
    expect(parseOptions(hello, ["--times", "3", "--loud"])).toEqual({
      ok: true,
      args: { times: 3, loud: true, _: [] },
    });
    expect(parseOptions(hello, ["--times=2"])).toEqual({ ok: true, args: { times: 2, loud: false, _: [] } });
    expect(parseOptions(hello, ["--times", "0"])).toEqual({
      ok: false,
      error: "Invalid --times: expected a whole number of at least 1.",
    });
    expect(parseOptions(hello, ["--times"])).toEqual({ ok: false, error: "Option --times needs a value." });
    expect(parseOptions(hello, ["extra"])).toEqual({ ok: false, error: 'Unexpected argument "extra" for sla:hello.' });
  });

  it("takes the positional arguments a command declares, and requires the required ones", () => {
    const expand = { ...hello, positionals: [{ name: "file.ics", description: "The calendar", required: true }] };
    expect(parseOptions(expand, ["a.ics", "--times", "2"])).toEqual({
      ok: true,
      args: { times: 2, loud: false, _: ["a.ics"] },
    });
    expect(parseOptions(expand, [])).toEqual({ ok: false, error: "Missing <file.ics>." });
    expect(parseOptions(expand, ["a.ics", "b.ics"])).toEqual({
      ok: false,
      error: 'Unexpected argument "b.ics" for sla:hello.',
    });
  });
});

describe("desktrust seed", () => {
  it("loads people in teams and weeks of history into an empty install, with progress lines", async () => {
    const dataDir = tempDataDir();
    const { code, out } = await cli(["seed", "--people", "45", "--weeks", "16"], dataDir);
    expect(code).toBe(0);
    expect(out).toMatch(/^\[0\/\d+\] Creating the organization, 45 people/m);
    expect(out).toContain("Loaded 45 people in 5 teams with 16 weeks of history.");
    const database = await openDatabase({ dataDir });
    try {
      const { sql } = await import("drizzle-orm");
      const [counts] = (await database.db.execute(
        sql`select (select count(*) from people)::int as people, (select count(distinct team_id) from team_members)::int as teams,
          (select count(distinct period) from status_updates.updates)::int as weeks,
          (select count(*) from briefs.briefs where created_at < now() - interval '12 weeks')::int as old_briefs`,
      )) as unknown as { people: number; teams: number; weeks: number; old_briefs: number }[];
      expect(counts).toMatchObject({ people: 45, teams: 5 });
      // Updates in the last sixteen weekly periods only (the demo leaves some weeks unwritten).
      expect(counts?.weeks).toBeGreaterThanOrEqual(12);
      expect(counts?.weeks).toBeLessThanOrEqual(16);
      // History older than the small demo's twelve weeks: a decided brief per team.
      expect(counts?.old_briefs).toBe(5);
      expect(await findPersonByEmail(database.db, "ada.lovelace@northwind.example")).toBeNull();
      expect(await findPersonByEmail(database.db, "ada@northwind.example")).not.toBeNull();
    } finally {
      await database.close();
    }
    const again = await cli(["seed", "--people", "10"], dataDir);
    expect(again.code).toBe(1);
  });
});
