import { and, asc, eq, sql } from "drizzle-orm";
import { hashPassword } from "../auth/password.ts";
import type { DbOrTx } from "../db/index.ts";
import { people, type Role, type WorkingHours } from "./schema.ts";
import { defaultWorkingHours } from "./working-hours.ts";

export type Person = typeof people.$inferSelect;

export async function findPersonByEmail(db: DbOrTx, email: string): Promise<Person | null> {
  const [person] = await db.select().from(people).where(sql`lower(${people.email}) = ${email.trim().toLowerCase()}`);
  return person ?? null;
}

export async function findPerson(db: DbOrTx, id: string): Promise<Person | null> {
  if (!isUuid(id)) return null;
  const [person] = await db.select().from(people).where(eq(people.id, id));
  return person ?? null;
}

export interface NewPerson {
  email: string;
  name: string;
  role: Role;
  timeZone: string;
  password?: string | null;
  workingHours?: WorkingHours;
  startDate?: string | null;
}

export async function createPerson(db: DbOrTx, input: NewPerson): Promise<Person> {
  const [person] = await db
    .insert(people)
    .values({
      email: input.email.trim().toLowerCase(),
      name: input.name.trim(),
      role: input.role,
      timeZone: input.timeZone,
      workingHours: input.workingHours ?? defaultWorkingHours,
      startDate: input.startDate ?? null,
      passwordHash: input.password ? await hashPassword(input.password) : null,
    })
    .returning();
  return person as Person;
}

export async function activePeople(db: DbOrTx): Promise<Person[]> {
  return db.select().from(people).where(eq(people.status, "active")).orderBy(asc(people.name));
}

export async function countOwners(db: DbOrTx): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(people)
    .where(and(eq(people.role, "owner"), eq(people.status, "active")));
  return row?.n ?? 0;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Route ids are checked before they reach a uuid column (Postgres would raise on a bad one). */
export function isUuid(value: string | undefined): value is string {
  return typeof value === "string" && uuidPattern.test(value);
}
