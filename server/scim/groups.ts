import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { isUniqueViolation } from "../db/errors.ts";
import type { Db, Tx } from "../db/index.ts";
import { audit } from "../org/audit.ts";
import { getOrganization } from "../org/org.ts";
import { isUuid } from "../people/people.ts";
import { people, teamMembers, teams } from "../people/schema.ts";
import type { Team } from "../people/teams.ts";
import { ScimError } from "./errors.ts";
import { parseFilter } from "./filter.ts";
import { attributesOf, type PatchOperation } from "./patch.ts";
import { scimTeams } from "./schema.ts";
import type { ScimCaller } from "./users.ts";

export const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";

/** A SCIM Group is a DeskTrust team; its members are people. */
export interface GroupFields {
  displayName: string;
  externalId: string | null;
  memberIds: string[];
}

type ScimTeam = Team & { externalId: string | null; members: { id: string; name: string }[] };

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() ? value.trim() : undefined;
}

function displayNameOf(value: unknown): string {
  const name = str(value);
  if (!name) throw new ScimError(400, "displayName is required.", "invalidValue");
  if (name.length > 80) throw new ScimError(400, "displayName must be at most 80 characters.", "invalidValue");
  return name;
}

/** Member ids from `[{ "value": "<user id>" }]`. */
function memberIdsOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((m) => {
    const id = typeof m === "string" ? m : str((m as { value?: unknown })?.value);
    if (!id) throw new ScimError(400, "Each member needs a value (the User's id).", "invalidValue");
    return id;
  });
}

export function groupFromBody(body: unknown): GroupFields {
  if (!body || typeof body !== "object" || Array.isArray(body))
    throw new ScimError(400, "Expected a Group JSON object.", "invalidSyntax");
  const b = body as Record<string, unknown>;
  return {
    displayName: displayNameOf(b.displayName),
    externalId: str(b.externalId) ?? null,
    memberIds: memberIdsOf(b.members),
  };
}

/**
 * Applies PATCH operations to a Group: members added, removed (`members[value eq "…"]`, or a
 * list) or replaced, and displayName / externalId replaced — the shapes Entra ID and Okta send.
 */
export function patchGroup(current: GroupFields, operations: PatchOperation[]): GroupFields {
  const next = { ...current, memberIds: [...current.memberIds] };
  for (const operation of operations) {
    const path = (operation.path ?? "").toLowerCase();
    if (operation.op === "remove") {
      const one = /^members\[value eq "([^"]+)"\]$/i.exec(operation.path ?? "");
      if (one) next.memberIds = next.memberIds.filter((id) => id !== one[1]);
      else if (path === "members") {
        const gone = operation.value === undefined ? next.memberIds : memberIdsOf(operation.value);
        next.memberIds = next.memberIds.filter((id) => !gone.includes(id));
      } else if (path === "externalid") next.externalId = null;
      else throw new ScimError(400, `Cannot remove ${operation.path ?? "(no path)"} from a Group.`, "invalidPath");
      continue;
    }
    for (const [attribute, value] of attributesOf(operation)) {
      const a = attribute.toLowerCase();
      if (a === "members") {
        const ids = memberIdsOf(value);
        next.memberIds = operation.op === "add" ? [...new Set([...next.memberIds, ...ids])] : [...new Set(ids)];
      } else if (a === "displayname") next.displayName = displayNameOf(value);
      else if (a === "externalid") next.externalId = str(value) ?? null;
      // `id`, `schemas` and `meta` in Okta's path-less replace are read-only; nothing to do.
    }
  }
  return next;
}

export function fieldsOfGroup(team: ScimTeam): GroupFields {
  return { displayName: team.name, externalId: team.externalId, memberIds: team.members.map((m) => m.id) };
}

export function scimGroup(team: ScimTeam, baseUrl: string, withMembers = true): Record<string, unknown> {
  return {
    schemas: [GROUP_SCHEMA],
    id: team.id,
    ...(team.externalId ? { externalId: team.externalId } : {}),
    displayName: team.name,
    ...(withMembers
      ? {
          members: team.members.map((m) => ({
            value: m.id,
            display: m.name,
            $ref: `${baseUrl}/scim/v2/Users/${m.id}`,
          })),
        }
      : {}),
    meta: {
      resourceType: "Group",
      created: team.createdAt.toISOString(),
      location: `${baseUrl}/scim/v2/Groups/${team.id}`,
    },
  };
}

async function membersOf(db: Db | Tx, teamIds: string[]): Promise<Map<string, { id: string; name: string }[]>> {
  const byTeam = new Map<string, { id: string; name: string }[]>();
  if (!teamIds.length) return byTeam;
  const rows = await db
    .select({ teamId: teamMembers.teamId, id: people.id, name: people.name })
    .from(teamMembers)
    .innerJoin(people, eq(people.id, teamMembers.personId))
    .where(inArray(teamMembers.teamId, teamIds))
    .orderBy(asc(people.name));
  for (const r of rows) byTeam.set(r.teamId, [...(byTeam.get(r.teamId) ?? []), { id: r.id, name: r.name }]);
  return byTeam;
}

const selectTeam = { team: teams, externalId: scimTeams.externalId };

export async function findGroup(db: Db | Tx, id: string): Promise<ScimTeam | null> {
  if (!isUuid(id)) return null;
  const [row] = await db
    .select(selectTeam)
    .from(teams)
    .leftJoin(scimTeams, eq(scimTeams.teamId, teams.id))
    .where(eq(teams.id, id));
  if (!row) return null;
  return { ...row.team, externalId: row.externalId, members: (await membersOf(db, [id])).get(id) ?? [] };
}

export async function listGroups(
  db: Db,
  query: { filter: string | undefined; startIndex: number; count: number },
): Promise<{ total: number; groups: ScimTeam[] }> {
  let where = sql`true`;
  if (query.filter) {
    const f = parseFilter(query.filter, ["displayname", "externalid", "id"]);
    if (f.attribute === "externalid") where = sql`${scimTeams.externalId} = ${f.value}`;
    else if (f.attribute === "id") where = isUuid(f.value) ? sql`${teams.id} = ${f.value}` : sql`false`;
    else where = sql`lower(${teams.name}) = ${f.value.toLowerCase()}`;
  }
  const [count] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(teams)
    .leftJoin(scimTeams, eq(scimTeams.teamId, teams.id))
    .where(where);
  const rows = await db
    .select(selectTeam)
    .from(teams)
    .leftJoin(scimTeams, eq(scimTeams.teamId, teams.id))
    .where(where)
    .orderBy(asc(teams.createdAt), asc(teams.id))
    .offset(query.startIndex - 1)
    .limit(query.count);
  const members = await membersOf(
    db,
    rows.map((r) => r.team.id),
  );
  return {
    total: count?.n ?? 0,
    groups: rows.map((r) => ({ ...r.team, externalId: r.externalId, members: members.get(r.team.id) ?? [] })),
  };
}

/** Makes the team's membership exactly `memberIds`; every id must be a person. */
async function setMembers(
  tx: Tx,
  teamId: string,
  memberIds: string[],
): Promise<{ added: string[]; removed: string[] }> {
  const wanted = [...new Set(memberIds)];
  for (const id of wanted) if (!isUuid(id)) throw new ScimError(400, `There is no User ${id}.`, "invalidValue");
  if (wanted.length) {
    const found = await tx.select({ id: people.id }).from(people).where(inArray(people.id, wanted));
    const missing = wanted.filter((id) => !found.some((f) => f.id === id));
    if (missing.length) throw new ScimError(400, `There is no User ${missing[0]}.`, "invalidValue");
  }
  const current = (
    await tx.select({ id: teamMembers.personId }).from(teamMembers).where(eq(teamMembers.teamId, teamId))
  ).map((r) => r.id);
  const added = wanted.filter((id) => !current.includes(id));
  const removed = current.filter((id) => !wanted.includes(id));
  if (added.length) await tx.insert(teamMembers).values(added.map((personId) => ({ teamId, personId })));
  if (removed.length)
    await tx.delete(teamMembers).where(and(eq(teamMembers.teamId, teamId), inArray(teamMembers.personId, removed)));
  return { added, removed };
}

function duplicate(name: string): ScimError {
  return new ScimError(409, `A Group called ${name} already exists.`, "uniqueness");
}

export async function createGroup(db: Db, fields: GroupFields, caller: ScimCaller): Promise<ScimTeam> {
  try {
    const id = await db.transaction(async (tx) => {
      const org = await getOrganization(tx);
      const [team] = await tx
        .insert(teams)
        .values({ name: fields.displayName, timeZone: org?.defaultTimeZone ?? "UTC", createdAt: caller.at })
        .returning();
      const created = team as Team;
      await tx.insert(scimTeams).values({ teamId: created.id, externalId: fields.externalId });
      const { added } = await setMembers(tx, created.id, fields.memberIds);
      await audit(tx, {
        actorId: null,
        action: "scim.group-created",
        target: created.id,
        details: { token: caller.tokenName, name: created.name, added },
        at: caller.at,
      });
      return created.id;
    });
    return (await findGroup(db, id)) as ScimTeam;
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicate(fields.displayName);
    throw error;
  }
}

export async function updateGroup(db: Db, id: string, next: GroupFields, caller: ScimCaller): Promise<ScimTeam> {
  if (!isUuid(id)) throw new ScimError(404, `Group ${id} not found.`);
  try {
    await db.transaction(async (tx) => {
      const [team] = await tx.select().from(teams).where(eq(teams.id, id)).for("update");
      if (!team) throw new ScimError(404, `Group ${id} not found.`);
      if (team.name !== next.displayName)
        await tx.update(teams).set({ name: next.displayName }).where(eq(teams.id, id));
      await tx
        .insert(scimTeams)
        .values({ teamId: id, externalId: next.externalId })
        .onConflictDoUpdate({ target: scimTeams.teamId, set: { externalId: next.externalId } });
      const { added, removed } = await setMembers(tx, id, next.memberIds);
      if (added.length || removed.length || team.name !== next.displayName) {
        await audit(tx, {
          actorId: null,
          action: added.length || removed.length ? "scim.group-members-changed" : "scim.group-updated",
          target: id,
          details: { token: caller.tokenName, name: next.displayName, added, removed },
          at: caller.at,
        });
      }
    });
    return (await findGroup(db, id)) as ScimTeam;
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicate(next.displayName);
    throw error;
  }
}

export async function deleteGroup(db: Db, id: string, caller: ScimCaller): Promise<void> {
  if (!isUuid(id)) throw new ScimError(404, `Group ${id} not found.`);
  await db.transaction(async (tx) => {
    const [deleted] = await tx.delete(teams).where(eq(teams.id, id)).returning();
    if (!deleted) throw new ScimError(404, `Group ${id} not found.`);
    await audit(tx, {
      actorId: null,
      action: "scim.group-deleted",
      target: id,
      details: { token: caller.tokenName, name: deleted.name },
      at: caller.at,
    });
  });
}
