import { and, eq, ne } from "drizzle-orm";
import type { Db, DbOrTx } from "../db/index.ts";
import { people } from "../people/schema.ts";
import { hashPassword, verifyPassword } from "./password.ts";
import { sessions } from "./schema.ts";

/**
 * Stores a new password hash and ends the person's sessions (all of them, or all but
 * `keepSessionId`): whoever knew the old password must not stay signed in. Returns how many
 * sessions were ended. Hash the password first (`hashPassword`) so no lock is held meanwhile.
 */
export async function replacePassword(
  db: DbOrTx,
  personId: string,
  passwordHash: string,
  keepSessionId?: string | null,
): Promise<number> {
  await db.update(people).set({ passwordHash }).where(eq(people.id, personId));
  const ended = await db
    .delete(sessions)
    .where(
      keepSessionId
        ? and(eq(sessions.personId, personId), ne(sessions.id, keepSessionId))
        : eq(sessions.personId, personId),
    )
    .returning({ id: sessions.id });
  return ended.length;
}

export type PasswordChange = { ok: true; signedOut: number } | { ok: false; reason: "wrong-password" };

/** Changes a signed-in person's password after checking the current one; keeps only their current session. */
export async function changePassword(
  db: Db,
  personId: string,
  input: { current: string; next: string; keepSessionId: string | null },
): Promise<PasswordChange> {
  const [row] = await db.select({ passwordHash: people.passwordHash }).from(people).where(eq(people.id, personId));
  if (!(await verifyPassword(input.current, row?.passwordHash ?? null))) return { ok: false, reason: "wrong-password" };
  const hash = await hashPassword(input.next);
  const signedOut = await db.transaction((tx) => replacePassword(tx, personId, hash, input.keepSessionId));
  return { ok: true, signedOut };
}
