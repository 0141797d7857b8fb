import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { openDatabase } from "../../server/db/index.ts";
import { teams } from "../../server/plugin-api.ts";
import { runCli } from "../../server/testing/cli.ts";
import { type TestApp, type TestClient, testApp } from "../../server/testing/test-app.ts";
import { hashToken } from "./devices.ts";
import { rowsOf } from "./sql.ts";
import { tablesContaining } from "./test-support.ts";

describe("demo data", () => {
  let t: TestApp;
  let owner: TestClient;
  beforeAll(async () => {
    t = await testApp({ plugins: ["activity"], setup: false });
    // Loading the demo signs this client in as the owner, who is an admin: admins see team pages.
    owner = await t.loadDemo();
  });
  afterAll(() => t.close());

  async function teamPage(name: string): Promise<string> {
    const [team] = await t.ctx.db.select({ id: teams.id }).from(teams).where(eq(teams.name, name));
    const res = await owner.get(`/activity/teams/${team?.id}`);
    expect(res.status).toBe(200);
    return res.text();
  }

  it("shows team figures for a team over the threshold", async () => {
    const html = await teamPage("Platform");
    expect(html).toMatch(/about \d+ people contributed per week \(± [\d.]+\); [\d.]+ active hours per member per week/);
    expect(html).toContain('class="activity-heatmap"');
    expect(html).toContain("Category mix");
    expect(html).toContain("After-hours share");
    expect(html).not.toContain("Team figures are hidden");
  });

  it("hides every figure of the team under the threshold and says why", async () => {
    const html = await teamPage("Design");
    expect(html).toContain("Team figures are hidden");
    expect(html).toContain("Fewer than 5 people contributed activity in this week.");
    expect(html).toContain("no figure can be traced back to one person");
    expect(html).not.toContain("people contributed per week");
    expect(html).not.toContain('class="activity-heatmap"');
    expect(html).not.toContain("Category mix");
    expect(html).not.toContain("After-hours share");
    // Only the overlap section (from profiles, not activity) may show shares.
    expect(html.slice(0, html.indexOf('aria-labelledby="overlap"'))).not.toMatch(/\d+%/);
    // The JSON view agrees.
    const [design] = await t.ctx.db.select({ id: teams.id }).from(teams).where(eq(teams.name, "Design"));
    const json = (await (await owner.get(`/api/activity/teams/${design?.id}`)).json()) as {
      figures: Record<string, unknown>;
    };
    expect(json.figures.shown).toBe(false);
    expect(json.figures).not.toHaveProperty("heatmap");
    expect(json.figures).not.toHaveProperty("contributors");
  });
});

describe("activity:device-token command", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "desktrust-activity-cli-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const cli = (args: string[]) => runCli(args, { dataDir });

  it("prints a dta_ token once and stores only its hash", async () => {
    expect((await cli(["demo"])).code).toBe(0);
    const result = await cli([
      "activity:device-token",
      "--email",
      "Priya@northwind.example",
      "--device",
      "work-laptop",
    ]);
    expect(result.code).toBe(0);
    const token = result.out.trim();
    expect(token).toMatch(/^dta_[A-Za-z0-9_-]{20,}$/);

    const unknown = await cli(["activity:device-token", "--email", "nobody@northwind.example", "--device", "x"]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toContain("nobody@northwind.example");
    expect((await cli(["activity:device-token", "--email", "not-an-email", "--device", "x"])).code).toBe(2);

    const database = await openDatabase({ dataDir });
    try {
      const rows = rowsOf<{ name: string; token_hash: string; email: string }>(
        await database.db.execute(sql`
          select d.name, d.token_hash, p.email
          from activity.devices d join people p on p.id = d.person_id`),
      );
      expect(rows).toEqual([{ name: "work-laptop", token_hash: hashToken(token), email: "priya@northwind.example" }]);
      expect(await tablesContaining(database.db, token)).toEqual([]);
      expect(await tablesContaining(database.db, token.slice(4))).toEqual([]);
    } finally {
      await database.close();
    }
  });
});
