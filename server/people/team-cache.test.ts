import { afterAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { testApp } from "../testing/test-app.ts";
import { teamMembers, teams } from "./schema.ts";
import { teamMemberships } from "./team-cache.ts";

const t = await testApp();
afterAll(() => t.close());

describe("team memberships kept in memory", () => {
  it("answers from memory until the entry is older than its limit or the cache is cleared", async () => {
    const person = await t.person();
    const [team] = await t.ctx.db.insert(teams).values({ name: "Ops", timeZone: "UTC" }).returning();
    const teamId = (team as { id: string }).id;
    let now = 0;
    const kept = teamMemberships(t.ctx.db, 5_000, () => now);
    expect(await kept.of(person.id)).toEqual([]);

    await t.ctx.db.insert(teamMembers).values({ teamId, personId: person.id });
    expect(await kept.of(person.id)).toEqual([]);
    now = 5_000;
    expect((await kept.of(person.id)).map((x) => x.name)).toEqual(["Ops"]);

    await t.ctx.db.delete(teamMembers).where(eq(teamMembers.personId, person.id));
    expect((await kept.of(person.id)).map((x) => x.name)).toEqual(["Ops"]);
    kept.clear();
    expect(await kept.of(person.id)).toEqual([]);
  });

  it("hands each caller its own copy, and keeps nothing with a limit of 0", async () => {
    const person = await t.person();
    const [team] = await t.ctx.db.insert(teams).values({ name: "Web", timeZone: "UTC" }).returning();
    await t.ctx.db.insert(teamMembers).values({ teamId: (team as { id: string }).id, personId: person.id });
    const kept = teamMemberships(t.ctx.db, 60_000);
    const first = await kept.of(person.id);
    (first[0] as { name: string }).name = "changed by a caller";
    first.pop();
    expect((await kept.of(person.id)).map((x) => x.name)).toEqual(["Web"]);

    const none = teamMemberships(t.ctx.db, 0);
    expect((await none.of(person.id)).map((x) => x.name)).toEqual(["Web"]);
    await t.ctx.db.delete(teamMembers).where(eq(teamMembers.personId, person.id));
    expect(await none.of(person.id)).toEqual([]);
  });
});
