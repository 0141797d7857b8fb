import { eq } from "drizzle-orm";
import type { DbOrTx } from "../db/index.ts";
import { people, type WorkingHours } from "./schema.ts";

export interface ProfileChanges {
  name: string;
  timeZone: string;
  workingHours: WorkingHours;
}

/** Saves the fields a person may change about themselves (not email, role or status: admins own those). */
export async function updateOwnProfile(db: DbOrTx, personId: string, changes: ProfileChanges): Promise<void> {
  await db
    .update(people)
    .set({ name: changes.name, timeZone: changes.timeZone, workingHours: changes.workingHours })
    .where(eq(people.id, personId));
}
