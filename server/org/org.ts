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
 * exists it never goes away, so "exists" is cached for good; the name for a minute, as it is
 * display-only and another instance may have renamed it.
 */
export interface OrgState {
  exists(): Promise<boolean>;
  cachedName(): string | undefined;
  /** Forget the cached name (after a rename on this instance). */
  refresh(): Promise<void>;
}

export function orgState(db: Db, now: () => number = Date.now): OrgState {
  let exists = false;
  let name: string | undefined;
  let loadedAt = 0;
  const load = async (): Promise<void> => {
    const org = await getOrganization(db);
    exists = org !== null;
    name = org?.name;
    loadedAt = now();
  };
  return {
    async exists() {
      if (!exists || now() - loadedAt > 60_000) await load();
      return exists;
    },
    cachedName: () => name,
    refresh: load,
  };
}
