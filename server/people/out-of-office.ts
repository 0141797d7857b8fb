import { and, asc, eq, gt, lte } from "drizzle-orm";
import { z } from "zod";
import type { Db, DbOrTx } from "../db/index.ts";
import { audit } from "../org/audit.ts";
import { instantFromLocal } from "./local-time.ts";
import { outOfOffice } from "./schema.ts";

/** An out-of-office period: the half-open interval `[startsAt, endsAt)`. */
export type OutOfOfficePeriod = typeof outOfOffice.$inferSelect;

export interface NewOutOfOffice {
  startsAt: Date;
  endsAt: Date;
  note: string;
}

const NOTE_MAX = 200;

function localDateTime(timeZone: string, what: string) {
  return z
    .string({ error: `Enter the ${what} as a date and time.` })
    .trim()
    .min(1, `Enter the ${what} as a date and time.`)
    .transform((value, ctx) => {
      const instant = instantFromLocal(value, timeZone);
      if (instant) return instant;
      ctx.addIssue({ code: "custom", message: `Enter the ${what} as a date and time.` });
      return z.NEVER;
    });
}

/**
 * The out-of-office form (`startsAt`, `endsAt` from `datetime-local` inputs, optional `note`).
 * The times are wall-clock times in the person's own zone, so "Mon 09:00" means their Monday
 * morning; the result holds UTC instants.
 *
 * @example
 * const form = await readForm(c, outOfOfficeForm(person.timeZone));
 */
export function outOfOfficeForm(timeZone: string) {
  return z
    .object({
      startsAt: localDateTime(timeZone, "start"),
      endsAt: localDateTime(timeZone, "end"),
      note: z.string().trim().max(NOTE_MAX, `The note must be at most ${NOTE_MAX} characters.`).default(""),
    })
    .refine((p) => p.endsAt > p.startsAt, { message: "The end must be after the start.", path: ["endsAt"] });
}

/** Records a period away; `actorId` is whoever entered it (the person, or an admin for them). */
export async function addOutOfOffice(
  db: Db,
  input: NewOutOfOffice & { personId: string; actorId: string; at: Date },
): Promise<OutOfOfficePeriod> {
  return db.transaction(async (tx) => {
    const [period] = await tx
      .insert(outOfOffice)
      .values({ personId: input.personId, startsAt: input.startsAt, endsAt: input.endsAt, note: input.note })
      .returning();
    await audit(tx, {
      actorId: input.actorId,
      action: "person.ooo-added",
      target: input.personId,
      details: { startsAt: input.startsAt.toISOString(), endsAt: input.endsAt.toISOString() },
      at: input.at,
    });
    return period as OutOfOfficePeriod;
  });
}

/** Deletes one of a person's periods; false when the person has no such period. */
export async function deleteOutOfOffice(
  db: Db,
  input: { personId: string; periodId: string; actorId: string; at: Date },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const deleted = await tx
      .delete(outOfOffice)
      .where(and(eq(outOfOffice.id, input.periodId), eq(outOfOffice.personId, input.personId)))
      .returning();
    const [period] = deleted;
    if (!period) return false;
    await audit(tx, {
      actorId: input.actorId,
      action: "person.ooo-deleted",
      target: input.personId,
      details: { startsAt: period.startsAt.toISOString(), endsAt: period.endsAt.toISOString() },
      at: input.at,
    });
    return true;
  });
}

/** A person's periods that have not ended by `since` (current and upcoming), earliest first. */
export async function outOfOfficeFor(db: DbOrTx, personId: string, since: Date): Promise<OutOfOfficePeriod[]> {
  return db
    .select()
    .from(outOfOffice)
    .where(and(eq(outOfOffice.personId, personId), gt(outOfOffice.endsAt, since)))
    .orderBy(asc(outOfOffice.startsAt));
}

/** Whether the person is out of office at the instant `at`. */
export async function isOutOfOffice(db: DbOrTx, personId: string, at: Date): Promise<boolean> {
  const [row] = await db
    .select({ id: outOfOffice.id })
    .from(outOfOffice)
    .where(and(eq(outOfOffice.personId, personId), lte(outOfOffice.startsAt, at), gt(outOfOffice.endsAt, at)))
    .limit(1);
  return row !== undefined;
}
