import { afterAll, describe, expect, it } from "bun:test";
import { teamMembers, teams } from "../people/schema.ts";
import { concretePath, hasParams } from "../testing/routes.ts";
import { testApp } from "../testing/test-app.ts";

// Roles are monotonic: owner ⊇ admin ⊇ manager ⊇ member. Walking every page of the registry
// that needs at most a team id, a higher role never gets an error where a lower one is let in —
// also when the higher role happens to be an ordinary member of the team.

const t = await testApp({ plugins: "*" });
afterAll(() => t.close());

const [team] = await t.ctx.db.insert(teams).values({ name: "Platform", timeZone: "UTC" }).returning();
const teamId = (team as { id: string }).id;
const ladder = ["member", "manager", "admin", "owner"] as const;
type Role = (typeof ladder)[number];
interface Someone {
  role: Role;
  onTeam: boolean;
  person: Awaited<ReturnType<typeof t.person>>;
}
// Everyone in the organization twice: once as a plain member of the team, once not on it.
const everyone: Someone[] = [];
for (const role of ladder) {
  for (const onTeam of [false, true]) everyone.push({ role, onTeam, person: await t.person({ role }) });
}
await t.ctx.db
  .insert(teamMembers)
  .values(everyone.filter((x) => x.onTeam).map((x) => ({ teamId, personId: x.person.id, isManager: false })));

/** b has at least a's role and at least a's membership, so must be let in wherever a is. */
const atLeast = (b: Someone, a: Someone): boolean =>
  ladder.indexOf(b.role) >= ladder.indexOf(a.role) && (b.onTeam || !a.onTeam);
const label = (x: Someone): string => `${x.role}${x.onTeam ? " on the team" : ""}`;

const pages = t.ctx.routes.rules.filter(
  (rule) =>
    rule.method === "GET" &&
    rule.access !== "token" &&
    (!hasParams(rule.path) || /^[^:*]*:teamId[^:*]*$/.test(rule.path)) &&
    !/^\/(logout|setup|login)/.test(rule.path),
);

async function statusOf(who: Someone, path: string): Promise<number> {
  const res = await (await t.signedIn(who.person)).get(path);
  await res.arrayBuffer();
  return res.status;
}

const allowed = (status: number): boolean => status < 400;

it("finds team pages to compare (the walk below is not empty)", () => {
  expect(pages.map((rule) => rule.path)).toContain("/status-updates/teams/:teamId/settings");
});

describe("a higher role is never refused what a lower one may open", () => {
  for (const rule of pages) {
    it(`GET ${rule.path}`, async () => {
      const path = concretePath(rule.path, () => teamId);
      const statuses = new Map<Someone, number>();
      for (const who of everyone) statuses.set(who, await statusOf(who, path));
      const inversions: string[] = [];
      for (const a of everyone) {
        for (const b of everyone) {
          if (a !== b && atLeast(b, a) && allowed(statuses.get(a) ?? 0) && !allowed(statuses.get(b) ?? 0))
            inversions.push(`${label(a)} gets ${statuses.get(a)}, ${label(b)} gets ${statuses.get(b)}`);
        }
      }
      expect({ path, inversions }).toEqual({ path, inversions: [] });
    });
  }
});

it("lets the owner change the check-in of a team she belongs to as a member, as an admin may", async () => {
  const owner = await t.signedIn((everyone.find((x) => x.role === "owner" && x.onTeam) as Someone).person);
  const res = await owner.post(`/status-updates/teams/${teamId}/settings`, {
    cadence: "weekly",
    weekday: "5",
    time: "15:00",
    questions: "Bottom line\nAsk\nProgress",
  });
  expect(res.status).toBe(303);
});
