import { eq } from "drizzle-orm";
import type { Person } from "../../server/people/people.ts";
import { people, teamMembers, teams } from "../../server/people/schema.ts";
import type { TestApp } from "../../server/testing/test-app.ts";

let n = 0;

/** Creates a team with the given members (managers flagged) and returns its id. */
export async function makeTeam(
  t: TestApp,
  members: { person: Person; manager?: boolean }[],
  timeZone = "UTC",
): Promise<string> {
  n++;
  const [row] = await t.ctx.db
    .insert(teams)
    .values({ name: `Writers ${n} ${Math.random().toString(36).slice(2, 6)}`, timeZone })
    .returning();
  const id = (row as { id: string }).id;
  if (members.length)
    await t.ctx.db
      .insert(teamMembers)
      .values(members.map((m) => ({ teamId: id, personId: m.person.id, isManager: m.manager ?? false })));
  return id;
}

/** Creates a person with a start date (the test kit's `person` sets everything else). */
export async function personStarting(
  t: TestApp,
  startDate: string,
  input: Parameters<TestApp["person"]>[0] = {},
): Promise<Person> {
  const p = await t.person(input);
  await t.ctx.db.update(people).set({ startDate }).where(eq(people.id, p.id));
  return { ...p, startDate } as Person;
}
