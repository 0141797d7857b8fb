import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { formatInstant } from "../../views/format.ts";
import { isUniqueViolation } from "../db/errors.ts";
import type { Db, DbOrTx } from "../db/index.ts";
import { queueMail } from "../mail/outbox.ts";
import { audit } from "../org/audit.ts";
import { getOrganization } from "../org/org.ts";
import { createPerson, findPersonByEmail, isUuid, type Person } from "../people/people.ts";
import { people, teamMembers, teams } from "../people/schema.ts";
import { invites } from "./schema.ts";
import { generateToken, hashToken } from "./tokens.ts";

export const INVITE_LIFETIME_MS = 7 * 86_400_000;

/** The roles an invite may grant. Nobody is invited as owner: ownership is handed over, not granted by link. */
export const invitableRoles = ["member", "manager", "admin"] as const;
export type InvitableRole = (typeof invitableRoles)[number];

export type Invite = typeof invites.$inferSelect;

export interface NewInvite {
  email: string;
  name: string;
  role: InvitableRole;
  teamId: string | null;
  invitedBy: string;
}

export type CreateInviteResult =
  | { ok: true; invite: Invite; link: string }
  | { ok: false; field: "email" | "teamId"; message: string };

export function inviteLink(baseUrl: string, token: string): string {
  return `${baseUrl}/invite/${token}`;
}

/**
 * Creates an invite and queues its email in one transaction. Any earlier pending invite for
 * the same address is revoked, so only the newest link works. The token leaves this function
 * only inside the link; the table keeps its hash.
 */
export async function createInvite(
  db: Db,
  input: NewInvite,
  options: { now: Date; baseUrl: string },
): Promise<CreateInviteResult> {
  const { now } = options;
  return db.transaction(async (tx) => {
    const existing = await findPersonByEmail(tx, input.email);
    if (existing?.status === "active")
      return { ok: false, field: "email", message: "This email already has an account." } as const;
    if (existing)
      return {
        ok: false,
        field: "email",
        message: "This email belongs to a deactivated account. Reactivate it under People instead.",
      } as const;
    const team = input.teamId ? await teamById(tx, input.teamId) : null;
    if (input.teamId && !team) return { ok: false, field: "teamId", message: "That team no longer exists." } as const;

    await tx
      .update(invites)
      .set({ revokedAt: now })
      .where(and(sql`lower(${invites.email}) = ${input.email.toLowerCase()}`, pendingAt(now)));
    const token = generateToken();
    const [invite] = await tx
      .insert(invites)
      .values({
        tokenHash: hashToken(token),
        email: input.email,
        name: input.name,
        role: input.role,
        teamId: team?.id ?? null,
        invitedBy: input.invitedBy,
        expiresAt: new Date(now.getTime() + INVITE_LIFETIME_MS),
        createdAt: now,
      })
      .returning();
    const created = invite as Invite;
    const link = inviteLink(options.baseUrl, token);
    const org = await getOrganization(tx);
    const [inviter] = await tx.select({ name: people.name }).from(people).where(eq(people.id, input.invitedBy));
    await queueMail(
      tx,
      {
        dedupeKey: `invite:${created.id}`,
        to: created.email,
        subject: `You are invited to ${org?.name ?? "DeskTrust"} on DeskTrust`,
        text: inviteMailText({
          name: created.name,
          inviter: inviter?.name ?? "An admin",
          orgName: org?.name ?? "your organization",
          teamName: team?.name ?? null,
          link,
          expires: formatInstant(created.expiresAt, org?.defaultTimeZone ?? "UTC"),
          timeZone: org?.defaultTimeZone ?? "UTC",
        }),
      },
      now,
    );
    await audit(tx, {
      actorId: input.invitedBy,
      action: "invite.created",
      target: created.email,
      details: { inviteId: created.id, role: created.role, teamId: created.teamId },
      at: now,
    });
    return { ok: true, invite: created, link } as const;
  });
}

function inviteMailText(m: {
  name: string;
  inviter: string;
  orgName: string;
  teamName: string | null;
  link: string;
  expires: string;
  timeZone: string;
}): string {
  return [
    `Hello${m.name ? ` ${m.name}` : ""},`,
    "",
    `${m.inviter} invited you to join ${m.orgName} on DeskTrust${m.teamName ? `, in the team ${m.teamName}` : ""}.`,
    "",
    "Open this link to choose your password and sign in:",
    m.link,
    "",
    `The link works once and expires on ${m.expires} (${m.timeZone}).`,
    "If you did not expect this invite, you can ignore this email.",
  ].join("\n");
}

/** Not accepted, not revoked, not expired. */
function pendingAt(now: Date) {
  return and(isNull(invites.acceptedAt), isNull(invites.revokedAt), gt(invites.expiresAt, now));
}

async function teamById(db: DbOrTx, id: string): Promise<{ id: string; name: string } | null> {
  if (!isUuid(id)) return null;
  const [team] = await db.select({ id: teams.id, name: teams.name }).from(teams).where(eq(teams.id, id));
  return team ?? null;
}

/** Teams an invite can place someone in, by name. */
export async function teamChoices(db: DbOrTx): Promise<{ id: string; name: string }[]> {
  return db.select({ id: teams.id, name: teams.name }).from(teams).orderBy(asc(teams.name));
}

export interface PendingInvite {
  id: string;
  email: string;
  name: string;
  role: Invite["role"];
  teamName: string | null;
  invitedByName: string | null;
  expiresAt: Date;
  createdAt: Date;
}

export async function pendingInvites(db: DbOrTx, now: Date): Promise<PendingInvite[]> {
  const inviter = alias(people, "inviter");
  return db
    .select({
      id: invites.id,
      email: invites.email,
      name: invites.name,
      role: invites.role,
      teamName: teams.name,
      invitedByName: inviter.name,
      expiresAt: invites.expiresAt,
      createdAt: invites.createdAt,
    })
    .from(invites)
    .leftJoin(teams, eq(teams.id, invites.teamId))
    .leftJoin(inviter, eq(inviter.id, invites.invitedBy))
    .where(pendingAt(now))
    .orderBy(asc(invites.expiresAt));
}

/** Revokes a pending invite. False when there is no such pending invite. */
export async function revokeInvite(db: Db, id: string, actorId: string, now: Date): Promise<boolean> {
  if (!isUuid(id)) return false;
  return db.transaction(async (tx) => {
    const [revoked] = await tx
      .update(invites)
      .set({ revokedAt: now })
      .where(and(eq(invites.id, id), pendingAt(now)))
      .returning({ email: invites.email });
    if (!revoked) return false;
    await audit(tx, { actorId, action: "invite.revoked", target: revoked.email, details: { inviteId: id }, at: now });
    return true;
  });
}

export type InviteLookup =
  | { ok: true; invite: Invite }
  | { ok: false; reason: "unknown" | "expired" | "accepted" | "revoked" };

/** Finds the invite a link points at and says whether it can still be used. */
export async function lookupInvite(db: DbOrTx, token: string, now: Date): Promise<InviteLookup> {
  const [invite] = await db
    .select()
    .from(invites)
    .where(eq(invites.tokenHash, hashToken(token)));
  if (!invite) return { ok: false, reason: "unknown" };
  if (invite.acceptedAt) return { ok: false, reason: "accepted" };
  if (invite.revokedAt) return { ok: false, reason: "revoked" };
  if (invite.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: "expired" };
  return { ok: true, invite };
}

export type AcceptInviteResult = { ok: true; person: Person } | { ok: false; reason: "unusable" | "email-taken" };

/**
 * Accepts an invite: claims it with a conditional update (so of two concurrent accepts only
 * one sees `accepted_at is null`), creates the person with the invite's role and the
 * organization's default time zone, and adds them to the invite's team — all or nothing.
 */
export async function acceptInvite(
  db: Db,
  token: string,
  input: { name: string; password: string },
  now: Date,
): Promise<AcceptInviteResult> {
  try {
    return await db.transaction(async (tx) => {
      const [invite] = await tx
        .update(invites)
        .set({ acceptedAt: now })
        .where(and(eq(invites.tokenHash, hashToken(token)), pendingAt(now)))
        .returning();
      if (!invite) return { ok: false, reason: "unusable" } as const;
      const org = await getOrganization(tx);
      const person = await createPerson(tx, {
        email: invite.email,
        name: input.name,
        role: invite.role,
        timeZone: org?.defaultTimeZone ?? "UTC",
        password: input.password,
      });
      // The team may have been deleted since the invite was sent; the person still joins.
      const team = invite.teamId ? await teamById(tx, invite.teamId) : null;
      if (team) await tx.insert(teamMembers).values({ teamId: team.id, personId: person.id }).onConflictDoNothing();
      await audit(tx, {
        actorId: person.id,
        action: "invite.accepted",
        target: person.email,
        details: { inviteId: invite.id, role: invite.role, teamId: team?.id ?? null },
        at: now,
      });
      return { ok: true, person } as const;
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: "email-taken" };
    throw error;
  }
}
