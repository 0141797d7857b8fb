import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { chatAccounts } from "../chat/schema.ts";
import type { SlackConfig } from "../config.ts";
import type { Db, DbOrTx } from "../db/index.ts";
import { people } from "../people/schema.ts";
import { callSlack, type SlackResult } from "./api.ts";

export interface LinkedPerson {
  id: string;
  name: string;
}

/** The part of Slack's user object that linking reads. */
interface SlackUser {
  id?: string;
  team_id?: string;
  deleted?: boolean;
  is_bot?: boolean;
  is_email_confirmed?: boolean;
  profile?: { email?: string };
}

/** The email of a Slack user, only when Slack says the address is verified (and the user is a live human). */
export function verifiedEmail(user: SlackUser | undefined): string | null {
  if (!user || user.deleted || user.is_bot || user.is_email_confirmed !== true) return null;
  const email = user.profile?.email?.trim();
  return email ? email : null;
}

async function activePersonByEmail(db: DbOrTx, email: string): Promise<LinkedPerson | null> {
  const [row] = await db
    .select({ id: people.id, name: people.name })
    .from(people)
    .where(and(sql`lower(${people.email}) = lower(${email})`, eq(people.status, "active")));
  return row ?? null;
}

async function link(db: DbOrTx, personId: string, user: SlackUser, now: Date): Promise<void> {
  await db
    .insert(chatAccounts)
    .values({ personId, provider: "slack", userId: user.id as string, workspaceId: user.team_id ?? "", linkedAt: now })
    .onConflictDoNothing();
}

/**
 * The DeskTrust person behind a Slack user: the linked account, or else (linking it now) the
 * active person whose email is the Slack user's verified profile email. Null when there is none:
 * an unverified address never links, so nobody can claim an account by typing its email.
 */
export async function personForSlackUser(
  db: Db,
  config: SlackConfig,
  slackUserId: string,
  now: Date,
): Promise<LinkedPerson | null> {
  const [linked] = await db
    .select({ id: people.id, name: people.name })
    .from(chatAccounts)
    .innerJoin(people, eq(people.id, chatAccounts.personId))
    .where(and(eq(chatAccounts.provider, "slack"), eq(chatAccounts.userId, slackUserId), eq(people.status, "active")));
  if (linked) return linked;
  // Needed before answering the click, so it is called directly rather than queued.
  const info = (await callSlack(config, "users.info", { user: slackUserId })) as SlackResult & { user?: SlackUser };
  const email = info.ok ? verifiedEmail(info.user) : null;
  if (!email || info.user?.id !== slackUserId) return null;
  const person = await activePersonByEmail(db, email);
  if (!person) return null;
  await link(db, person.id, info.user, now);
  return person;
}

/**
 * Links every active person without a Slack account whose email Slack knows as a verified
 * address (`users.lookupByEmail`). Returns how many were linked.
 */
export async function linkPeopleByEmail(db: Db, config: SlackConfig, now: Date, limit = 500): Promise<number> {
  const unlinked = await db
    .select({ id: people.id, email: people.email })
    .from(people)
    .leftJoin(chatAccounts, and(eq(chatAccounts.personId, people.id), eq(chatAccounts.provider, "slack")))
    .where(and(eq(people.status, "active"), isNull(chatAccounts.personId)))
    .limit(limit);
  let linked = 0;
  for (const person of unlinked) {
    const found = (await callSlack(config, "users.lookupByEmail", { email: person.email })) as SlackResult & {
      user?: SlackUser;
    };
    const email = found.ok ? verifiedEmail(found.user) : null;
    if (!email || !found.user?.id || email.toLowerCase() !== person.email.toLowerCase()) continue;
    await link(db, person.id, found.user, now);
    linked++;
  }
  return linked;
}

/** The Slack user ids of linked people. */
export async function slackUserIds(db: DbOrTx, personIds: string[]): Promise<Map<string, string>> {
  if (!personIds.length) return new Map();
  const rows = await db
    .select({ personId: chatAccounts.personId, userId: chatAccounts.userId })
    .from(chatAccounts)
    .where(and(eq(chatAccounts.provider, "slack"), inArray(chatAccounts.personId, personIds)));
  return new Map(rows.map((r) => [r.personId, r.userId]));
}
