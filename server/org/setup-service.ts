import type { AppContext } from "../context.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { createPerson, type Person } from "../people/people.ts";
import { audit } from "./audit.ts";
import type { DemoOrg } from "./demo.ts";
import { createDemoCore } from "./demo-core.ts";
import { organization } from "./schema.ts";

export interface SetupInput {
  orgName: string;
  emailDomains: string[];
  defaultTimeZone: string;
  ownerName: string;
  ownerEmail: string;
  password: string;
}

export type SetupResult = { ok: true; owner: Person } | { ok: false; reason: "already-set-up" };

/** Creates the organization and its owner in one transaction; refuses when one exists. */
export async function setupOrganization(ctx: AppContext, input: SetupInput): Promise<SetupResult> {
  try {
    const owner = await ctx.db.transaction(async (tx) => {
      await tx.insert(organization).values({
        id: 1,
        name: input.orgName,
        emailDomains: input.emailDomains,
        defaultTimeZone: input.defaultTimeZone,
        createdAt: ctx.clock.now(),
      });
      const person = await createPerson(tx, {
        email: input.ownerEmail,
        name: input.ownerName,
        role: "owner",
        timeZone: input.defaultTimeZone,
        password: input.password,
      });
      await audit(tx, { actorId: person.id, action: "org.created", target: input.orgName, at: ctx.clock.now() });
      return person;
    });
    await ctx.org.refresh();
    return { ok: true, owner };
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: "already-set-up" };
    throw error;
  }
}

export type DemoResult = { ok: true; demo: DemoOrg } | { ok: false; reason: "already-set-up" };

/** Loads the demo organization: core's people and teams, then every contributor's data, in one transaction. */
export async function loadDemo(ctx: AppContext): Promise<DemoResult> {
  try {
    const demo = await ctx.db.transaction(async (tx) => {
      const demo = await createDemoCore(tx, ctx.clock.now());
      for (const contributor of ctx.demo) await contributor.contribute(tx, demo);
      await audit(tx, { actorId: demo.ownerId, action: "org.demo-loaded", at: ctx.clock.now() });
      return demo;
    });
    await ctx.org.refresh();
    return { ok: true, demo };
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: "already-set-up" };
    throw error;
  }
}
