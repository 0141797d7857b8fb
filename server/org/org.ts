import { eq } from "drizzle-orm";
import type { Db, DbOrTx } from "../db/index.ts";
import { organization } from "./schema.ts";

export type Organization = typeof organization.$inferSelect;

export async function getOrganization(db: DbOrTx): Promise<Organization | null> {
  const [org] = await db.select().from(organization).where(eq(organization.id, 1));
  return org ?? null;
}

/**
 * Whether setup has happened, and the org's name for the page header. Once an organization
 * exists it never goes away, so "exists" is cached for good; the name until a change to the
 * organization is announced (see server/changes), when every instance reloads it.
 */
export interface OrgState {
  exists(): Promise<boolean>;
  cachedName(): string | undefined;
  /** Reloads the organization (after a change on any instance). */
  refresh(): Promise<void>;
}

export function orgState(db: Db): OrgState {
  let exists = false;
  let name: string | undefined;
  const load = async (): Promise<void> => {
    const org = await getOrganization(db);
    exists = org !== null;
    name = org?.name;
  };
  return {
    async exists() {
      if (!exists) await load();
      return exists;
    },
    cachedName: () => name,
    refresh: load,
  };
}
