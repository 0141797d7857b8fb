import { and, asc, eq, ne, sql } from "drizzle-orm";
import { isUniqueViolation } from "../db/errors.ts";
import type { Db, Tx } from "../db/index.ts";
import { audit } from "../org/audit.ts";
import { getOrganization } from "../org/org.ts";
import { isUuid, type Person } from "../people/people.ts";
import { people } from "../people/schema.ts";
import { defaultWorkingHours } from "../people/working-hours.ts";
import { endAccess } from "./deactivation.ts";
import { ScimError } from "./errors.ts";
import { parseFilter } from "./filter.ts";
import { attributesOf, type PatchOperation, scimBoolean } from "./patch.ts";
import { scimPeople } from "./schema.ts";

export const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";

/**
 * The parts of a SCIM User that DeskTrust keeps. `email` is the person's sign-in email: the
 * primary email when one is sent, else `userName` (which must then be an email address).
 */
export interface UserFields {
  userName: string;
  email: string;
  name: string;
  active: boolean;
  externalId: string | null;
}

type ScimPerson = Person & { externalId: string | null; userName: string | null };

/** Who made a SCIM change, for the audit log: the token's name. */
export interface ScimCaller {
  tokenName: string;
  at: Date;
}

const emailShape = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() ? value.trim() : undefined;
}

function primaryEmail(emails: unknown): string | undefined {
  if (!Array.isArray(emails)) return undefined;
  const list = emails as { value?: unknown; primary?: unknown }[];
  return str((list.find((e) => e?.primary === true || e?.primary === "true") ?? list[0])?.value);
}

function checkedEmail(candidates: (string | undefined)[]): string {
  const email = candidates.find((v) => v && emailShape.test(v));
  if (!email) {
    throw new ScimError(400, "Send the person's email address as userName or as the primary email.", "invalidValue");
  }
  if (email.length > 254) throw new ScimError(400, "The email address must be at most 254 characters.", "invalidValue");
  return email.toLowerCase();
}

function userNameOf(value: unknown): string {
  const userName = str(value);
  if (!userName) throw new ScimError(400, "userName is required.", "invalidValue");
  if (userName.length > 254) throw new ScimError(400, "userName must be at most 254 characters.", "invalidValue");
  return userName;
}

function nameFrom(body: Record<string, unknown>, fallback: string): string {
  const name = (body.name ?? {}) as Record<string, unknown>;
  const joined = [str(name.givenName), str(name.familyName)].filter(Boolean).join(" ");
  return (str(body.displayName) ?? str(name.formatted) ?? (joined || fallback)).slice(0, 200);
}

/** A User from a POST or PUT body. Attributes DeskTrust does not keep (title, phone…) are ignored. */
export function userFromBody(body: unknown): UserFields {
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new ScimError(400, "Expected a User JSON object.", "invalidSyntax");
  }
  const b = body as Record<string, unknown>;
  const userName = userNameOf(b.userName);
  const email = checkedEmail([primaryEmail(b.emails), userName]);
  return {
    userName,
    email,
    name: nameFrom(b, email),
    active: b.active === undefined ? true : scimBoolean(b.active, "active"),
    externalId: str(b.externalId) ?? null,
  };
}

const workEmailPath = /^emails(\[(type eq "work"|primary eq true)\])?(\.value)?$/;

/** Applies PATCH operations to a User's fields (RFC 7644 §3.5.2, as Entra ID and Okta send them). */
export function patchUser(current: UserFields, operations: PatchOperation[]): UserFields {
  const next = { ...current };
  const [firstName = "", ...rest] = current.name.split(" ");
  let given: string | undefined;
  let family: string | undefined;
  for (const operation of operations) {
    if (operation.op === "remove") {
      if ((operation.path ?? "").toLowerCase() === "externalid") next.externalId = null;
      continue;
    }
    for (const [rawPath, value] of attributesOf(operation)) {
      const path = rawPath.toLowerCase().replace(/^urn:ietf:params:scim:schemas:core:2\.0:user:/, "");
      if (path === "active") next.active = scimBoolean(value, "active");
      else if (path === "username") {
        const userName = userNameOf(value);
        // An email used as the userName follows it.
        if (next.email === next.userName.toLowerCase() && emailShape.test(userName))
          next.email = userName.toLowerCase();
        next.userName = userName;
      } else if (workEmailPath.test(path)) {
        next.email = checkedEmail([Array.isArray(value) ? primaryEmail(value) : str(value)]);
      } else if (path === "displayname" || path === "name.formatted")
        next.name = str(value)?.slice(0, 200) ?? next.name;
      else if (path === "name.givenname") given = str(value);
      else if (path === "name.familyname") family = str(value);
      else if (path === "name" && value && typeof value === "object") {
        const n = value as Record<string, unknown>;
        given = str(n.givenName) ?? given;
        family = str(n.familyName) ?? family;
        if (str(n.formatted)) next.name = str(n.formatted) as string;
      } else if (path === "externalid") next.externalId = str(value) ?? null;
      // Other attributes (title, addresses, the enterprise extension…) are not kept.
    }
  }
  if (given !== undefined || family !== undefined) {
    next.name = [given ?? firstName, family ?? rest.join(" ")].filter(Boolean).join(" ").slice(0, 200) || next.name;
  }
  return next;
}

export function fieldsOf(person: ScimPerson): UserFields {
  return {
    userName: person.userName ?? person.email,
    email: person.email,
    name: person.name,
    active: person.status === "active",
    externalId: person.externalId,
  };
}

/** The SCIM representation of a person. */
export function scimUser(person: ScimPerson, baseUrl: string): Record<string, unknown> {
  const [givenName = "", ...rest] = person.name.split(" ");
  return {
    schemas: [USER_SCHEMA],
    id: person.id,
    ...(person.externalId ? { externalId: person.externalId } : {}),
    userName: person.userName ?? person.email,
    name: { formatted: person.name, givenName, familyName: rest.join(" ") },
    displayName: person.name,
    emails: [{ value: person.email, type: "work", primary: true }],
    active: person.status === "active",
    meta: {
      resourceType: "User",
      created: person.createdAt.toISOString(),
      location: `${baseUrl}/scim/v2/Users/${person.id}`,
    },
  };
}

const selectPerson = { person: people, externalId: scimPeople.externalId, userName: scimPeople.userName };

function withExternalId(row: { person: Person; externalId: string | null; userName: string | null }): ScimPerson {
  return { ...row.person, externalId: row.externalId, userName: row.userName };
}

export async function findUser(db: Db | Tx, id: string): Promise<ScimPerson | null> {
  if (!isUuid(id)) return null;
  const [row] = await db
    .select(selectPerson)
    .from(people)
    .leftJoin(scimPeople, eq(scimPeople.personId, people.id))
    .where(eq(people.id, id));
  return row ? withExternalId(row) : null;
}

/** A page of people, optionally filtered by `userName`, `externalId`, `id` or `emails.value`. */
export async function listUsers(
  db: Db,
  query: { filter: string | undefined; startIndex: number; count: number },
): Promise<{ total: number; users: ScimPerson[] }> {
  let where = sql`true`;
  if (query.filter) {
    const f = parseFilter(query.filter, ["username", "externalid", "id", "emails.value", "emails"]);
    if (f.attribute === "externalid") where = sql`${scimPeople.externalId} = ${f.value}`;
    else if (f.attribute === "id") where = isUuid(f.value) ? sql`${people.id} = ${f.value}` : sql`false`;
    else if (f.attribute === "username") {
      where = sql`(lower(${scimPeople.userName}) = ${f.value.toLowerCase()} or (${scimPeople.userName} is null and lower(${people.email}) = ${f.value.toLowerCase()}))`;
    } else where = sql`lower(${people.email}) = ${f.value.toLowerCase()}`;
  }
  const [count] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(people)
    .leftJoin(scimPeople, eq(scimPeople.personId, people.id))
    .where(where);
  const rows = await db
    .select(selectPerson)
    .from(people)
    .leftJoin(scimPeople, eq(scimPeople.personId, people.id))
    .where(where)
    .orderBy(asc(people.createdAt), asc(people.id))
    .offset(query.startIndex - 1)
    .limit(query.count);
  return { total: count?.n ?? 0, users: rows.map(withExternalId) };
}

function duplicate(fields: UserFields): ScimError {
  return new ScimError(409, `A person with the email ${fields.email} already exists.`, "uniqueness");
}

export async function createUser(db: Db, fields: UserFields, caller: ScimCaller): Promise<ScimPerson> {
  try {
    return await db.transaction(async (tx) => {
      const org = await getOrganization(tx);
      const [person] = await tx
        .insert(people)
        .values({
          email: fields.email,
          name: fields.name,
          role: "member",
          timeZone: org?.defaultTimeZone ?? "UTC",
          workingHours: defaultWorkingHours,
          status: fields.active ? "active" : "deactivated",
          createdAt: caller.at,
        })
        .returning();
      const created = person as Person;
      await tx
        .insert(scimPeople)
        .values({ personId: created.id, userName: fields.userName, externalId: fields.externalId });
      await audit(tx, {
        actorId: null,
        action: "scim.user-created",
        target: created.id,
        details: { token: caller.tokenName, email: fields.email, active: fields.active },
        at: caller.at,
      });
      return { ...created, externalId: fields.externalId, userName: fields.userName };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicate(fields);
    throw error;
  }
}

/**
 * Saves a User's new fields. Deactivation ends every session and API token in the same
 * transaction; the last active owner cannot be deactivated from the directory.
 */
export async function updateUser(db: Db, id: string, next: UserFields, caller: ScimCaller): Promise<ScimPerson> {
  if (!isUuid(id)) throw new ScimError(404, `User ${id} not found.`);
  try {
    return await db.transaction(async (tx) => {
      const [person] = await tx.select().from(people).where(eq(people.id, id)).for("update");
      if (!person) throw new ScimError(404, `User ${id} not found.`);
      const [link] = await tx.select().from(scimPeople).where(eq(scimPeople.personId, id));
      const before = fieldsOf({ ...person, externalId: link?.externalId ?? null, userName: link?.userName ?? null });
      const deactivating = before.active && !next.active;
      if (deactivating && person.role === "owner") {
        const [other] = await tx
          .select({ id: people.id })
          .from(people)
          .where(and(eq(people.role, "owner"), eq(people.status, "active"), ne(people.id, id)))
          .for("update");
        if (!other)
          throw new ScimError(400, `${person.name} is the last active owner and cannot be deactivated.`, "mutability");
      }
      const [updated] = await tx
        .update(people)
        .set({ email: next.email, name: next.name, status: next.active ? "active" : "deactivated" })
        .where(eq(people.id, id))
        .returning();
      await tx
        .insert(scimPeople)
        .values({ personId: id, userName: next.userName, externalId: next.externalId })
        .onConflictDoUpdate({
          target: scimPeople.personId,
          set: { userName: next.userName, externalId: next.externalId },
        });
      const ended = deactivating ? await endAccess(tx, id, caller.at) : null;
      const changed = (Object.keys(next) as (keyof UserFields)[]).filter((k) => before[k] !== next[k]);
      if (changed.length) {
        await audit(tx, {
          actorId: null,
          action: deactivating
            ? "scim.user-deactivated"
            : !before.active && next.active
              ? "scim.user-reactivated"
              : "scim.user-updated",
          target: id,
          details: { token: caller.tokenName, changed, ...(ended ?? {}) },
          at: caller.at,
        });
      }
      return { ...(updated as Person), externalId: next.externalId, userName: next.userName };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicate(next);
    throw error;
  }
}
