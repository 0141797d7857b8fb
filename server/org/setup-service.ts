import { sql } from "drizzle-orm";
import type { AppContext } from "../context.ts";
import { isUniqueViolation } from "../db/errors.ts";
import type { Db } from "../db/index.ts";
import { rowsOf } from "../db/rows.ts";
import { createPerson, type Person } from "../people/people.ts";
import { audit } from "./audit.ts";
import type { DemoOrg } from "./demo.ts";
import { createDemoCore, DEMO_SIZE, type DemoSize, demoPasswordHash } from "./demo-core.ts";
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
    await ctx.changes.announce("org");
    return { ok: true, owner };
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: "already-set-up" };
    throw error;
  }
}

export type DemoResult = { ok: true; demo: DemoOrg } | { ok: false; reason: "already-set-up" };

/** Reports each step of a demo load; the background task shows it as progress. */
export type DemoProgress = (step: string, done: number, total: number) => Promise<void> | void;

/**
 * Loads the demo organization: core's organization, people and teams in one short transaction,
 * then each plugin's sample data. Plugin data commits as it goes rather than in one long
 * transaction, so the portal (and on the embedded database, every other query) keeps being
 * served while it loads; if a step fails, the install is emptied again so setup can start over.
 */
export async function loadDemo(
  ctx: AppContext,
  progress: DemoProgress = () => {},
  size: DemoSize = DEMO_SIZE,
): Promise<DemoResult> {
  const total = ctx.demo.length + 1;
  await progress(`Creating the organization, ${size.people} people and their teams`, 0, total);
  let demo: DemoOrg;
  const passwordHash = await demoPasswordHash();
  try {
    demo = await ctx.db.transaction((tx) => createDemoCore(tx, ctx.clock.now(), passwordHash, size));
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: "already-set-up" };
    throw error;
  }
  try {
    for (const [i, contributor] of ctx.demo.entries()) {
      await progress(
        `Adding sample data: ${ctx.plugins.get(contributor.owner)?.name ?? contributor.owner}`,
        i + 1,
        total,
      );
      await contributor.contribute(ctx.db, demo);
    }
    await audit(ctx.db, { actorId: demo.ownerId, action: "org.demo-loaded", at: ctx.clock.now() });
  } catch (error) {
    await emptyInstall(ctx.db);
    await ctx.org.refresh();
    throw error;
  }
  await ctx.org.refresh();
  await ctx.changes.announce("org");
  await progress("Done", total, total);
  return { ok: true, demo };
}

/**
 * Empties every table of core and plugins (not the migration bookkeeping, nor the record of
 * background tasks), in one statement. Only for an install the demo itself filled.
 */
async function emptyInstall(db: Db): Promise<void> {
  const tables = rowsOf<{ name: string }>(
    await db.execute(sql`
      select format('%I.%I', schemaname, tablename) as name from pg_tables
      where schemaname not in ('pg_catalog', 'information_schema', 'desktrust_migrations')
        and not (schemaname = 'public' and tablename = 'background_tasks')`),
  );
  if (tables.length) await db.execute(sql.raw(`truncate ${tables.map((t) => t.name).join(", ")} cascade`));
}
