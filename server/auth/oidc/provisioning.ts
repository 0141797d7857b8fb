import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db, Tx } from "../../db/index.ts";
import { audit } from "../../org/audit.ts";
import { getOrganization } from "../../org/org.ts";
import { createPerson, findPersonByEmail, type Person } from "../../people/people.ts";
import { people, type Role, teamMembers } from "../../people/schema.ts";
import type { IdTokenClaims } from "./client.ts";
import { ssoIdentities } from "./schema.ts";
import type { SsoSettings } from "./settings.ts";

export type SsoAccount =
  | { ok: true; person: Person; outcome: "signed-in" | "linked" | "created" }
  | { ok: false; message: string };

const roleRank: Record<Role, number> = { member: 1, manager: 2, admin: 3, owner: 4 };

/** The groups named in the configured claim (an array of names or ids; anything else is none). */
export function groupsOf(claims: IdTokenClaims, claim: string): string[] {
  const value = claims[claim];
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === "string");
  return typeof value === "string" && value ? [value] : [];
}

/**
 * Whether the provider vouches for the email address. Most providers send `email_verified`;
 * Microsoft Entra ID sends the optional `xms_edov` claim instead.
 */
export function verifiedEmail(claims: IdTokenClaims): string | null {
  const email = typeof claims.email === "string" ? claims.email.trim().toLowerCase() : "";
  if (!email.includes("@")) return null;
  const verified = [claims.email_verified, claims.xms_edov].some((v) => v === true || v === "true");
  return verified ? email : null;
}

/** The role the mapping gives for these groups: the highest matched, else member. */
export function mappedRole(settings: SsoSettings, groups: string[]): Role {
  let role: Role = "member";
  for (const m of settings.roleMapping)
    if (groups.includes(m.group) && roleRank[m.role] > roleRank[role]) role = m.role;
  return role;
}

/**
 * Finds or makes the person an identity-provider account signs in as:
 * 1. the person already linked to this issuer + subject;
 * 2. else the person with the same, provider-verified, email — linked now;
 * 3. else a new account (just in time), only for an email in the organization's domains.
 * Then applies the group → role and group → team mappings. All in one transaction.
 */
export async function ssoAccount(
  db: Db,
  input: { issuer: string; claims: IdTokenClaims; settings: SsoSettings; at: Date },
): Promise<SsoAccount> {
  const { claims, settings, at } = input;
  return db.transaction(async (tx): Promise<SsoAccount> => {
    const [linked] = await tx
      .select({ person: people })
      .from(ssoIdentities)
      .innerJoin(people, eq(people.id, ssoIdentities.personId))
      .where(and(eq(ssoIdentities.issuer, input.issuer), eq(ssoIdentities.subject, claims.sub)));
    let person = linked?.person ?? null;
    let outcome: "signed-in" | "linked" | "created" = "signed-in";
    if (!person) {
      const email = verifiedEmail(claims);
      if (!email) return { ok: false, message: "Your identity provider did not confirm your email address." };
      person = await findPersonByEmail(tx, email);
      if (person) {
        outcome = "linked";
      } else {
        const org = await getOrganization(tx);
        const domain = email.split("@")[1] ?? "";
        if (!settings.jitAccounts || !org?.emailDomains.includes(domain)) {
          return { ok: false, message: `There is no DeskTrust account for ${email}. Ask an admin for an invite.` };
        }
        person = await createPerson(tx, {
          email,
          name: typeof claims.name === "string" && claims.name.trim() ? claims.name.trim().slice(0, 200) : email,
          role: settings.roleMapping.length ? mappedRole(settings, groupsOf(claims, settings.groupsClaim)) : "member",
          timeZone: org.defaultTimeZone,
        });
        outcome = "created";
        await audit(tx, {
          actorId: null,
          action: "person.created-by-sso",
          target: person.id,
          details: { issuer: input.issuer, email, role: person.role },
          at,
        });
      }
      if (person.status !== "active") return { ok: false, message: "This account is deactivated." };
      await tx
        .insert(ssoIdentities)
        .values({ issuer: input.issuer, subject: claims.sub, personId: person.id, createdAt: at });
      if (outcome === "linked") {
        await audit(tx, {
          actorId: person.id,
          action: "sso.identity-linked",
          target: person.id,
          details: { issuer: input.issuer, email },
          at,
        });
      }
    }
    if (person.status !== "active") return { ok: false, message: "This account is deactivated." };
    person = await applyGroupMapping(tx, person, groupsOf(claims, settings.groupsClaim), settings, at);
    await tx
      .update(ssoIdentities)
      .set({ lastSignInAt: at })
      .where(and(eq(ssoIdentities.issuer, input.issuer), eq(ssoIdentities.subject, claims.sub)));
    return { ok: true, person, outcome };
  });
}

/**
 * Makes role and team membership follow the provider's groups. Owners keep their role (it is
 * granted in DeskTrust only); only teams named in the mapping are touched.
 */
async function applyGroupMapping(
  tx: Tx,
  person: Person,
  groups: string[],
  settings: SsoSettings,
  at: Date,
): Promise<Person> {
  let current = person;
  if (settings.roleMapping.length && person.role !== "owner") {
    const role = mappedRole(settings, groups);
    if (role !== person.role) {
      const [updated] = await tx.update(people).set({ role }).where(eq(people.id, person.id)).returning();
      current = updated ?? person;
      await audit(tx, {
        actorId: null,
        action: "person.role-from-sso-groups",
        target: person.id,
        details: { from: person.role, to: role },
        at,
      });
    }
  }
  if (!settings.teamMapping.length) return current;
  const wanted = new Set(settings.teamMapping.filter((m) => groups.includes(m.group)).map((m) => m.teamId));
  const mapped = [...new Set(settings.teamMapping.map((m) => m.teamId))];
  const unwanted = mapped.filter((id) => !wanted.has(id));
  const added = wanted.size
    ? await tx
        .insert(teamMembers)
        .values([...wanted].map((teamId) => ({ teamId, personId: person.id })))
        .onConflictDoNothing()
        .returning({ teamId: teamMembers.teamId })
    : [];
  const removed = unwanted.length
    ? await tx
        .delete(teamMembers)
        .where(and(eq(teamMembers.personId, person.id), inArray(teamMembers.teamId, unwanted)))
        .returning({ teamId: teamMembers.teamId })
    : [];
  if (added.length || removed.length) {
    await audit(tx, {
      actorId: null,
      action: "person.teams-from-sso-groups",
      target: person.id,
      details: { added: added.map((r) => r.teamId), removed: removed.map((r) => r.teamId) },
      at,
    });
  }
  return current;
}

/** How many people sign in through the identity provider (for the admin page). */
export async function linkedPeopleCount(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(distinct ${ssoIdentities.personId})::int` }).from(ssoIdentities);
  return row?.n ?? 0;
}
