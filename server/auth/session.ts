import { and, eq, gt, ne, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { prepared } from "../db/prepared.ts";
import type { Viewer } from "../http/env.ts";
import { notifications } from "../notifications/schema.ts";
import { people } from "../people/schema.ts";
import { sessions } from "./schema.ts";
import { generateToken, hashToken } from "./tokens.ts";

export const SESSION_COOKIE = "dt_session";
const DAY = 86_400_000;
export const SESSION_LIFETIME_MS = 30 * DAY;
/** Sliding expiry: a session used in its last 15 days is extended to 30 again. */
const RENEW_WITHIN_MS = 15 * DAY;

export type Session = typeof sessions.$inferSelect;

export async function createSession(
  db: Db,
  personId: string,
  now: Date,
  meta: { userAgent?: string; ip?: string } = {},
): Promise<{ token: string; session: Session }> {
  const token = generateToken();
  const [session] = await db
    .insert(sessions)
    .values({
      id: hashToken(token),
      personId,
      expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS),
      createdAt: now,
      userAgent: (meta.userAgent ?? "").slice(0, 300),
      ip: meta.ip ?? "",
    })
    .returning();
  return { token, session: session as Session };
}

export type SessionValidation =
  | { session: Session; viewer: Viewer; renewed: boolean; unread: number }
  | { session: null; viewer: null; renewed: false };

// Runs on every signed-in request, so it is prepared once per database.
const sessionWithViewer = prepared((db) =>
  db
    .select({
      session: sessions,
      viewer: { id: people.id, email: people.email, name: people.name, role: people.role, timeZone: people.timeZone },
      status: people.status,
      // The header's unread badge, read in the same round trip as the session.
      unread: sql<number>`(select count(*)::int from ${notifications} n where n.person_id = ${people.id} and n.read_at is null)`,
    })
    .from(sessions)
    .innerJoin(people, eq(people.id, sessions.personId))
    .where(eq(sessions.id, sql.placeholder("id")))
    .prepare("session_with_viewer"),
);

/** Looks a token up, drops it when expired or its person is deactivated, renews it when due. */
export async function validateSessionToken(db: Db, token: string, now: Date): Promise<SessionValidation> {
  const id = hashToken(token);
  const [row] = await sessionWithViewer(db).execute({ id });
  if (row?.status !== "active") return { session: null, viewer: null, renewed: false };
  if (row.session.expiresAt.getTime() <= now.getTime()) {
    await db.delete(sessions).where(eq(sessions.id, id));
    return { session: null, viewer: null, renewed: false };
  }
  if (row.session.expiresAt.getTime() - now.getTime() < RENEW_WITHIN_MS) {
    const expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS);
    await db.update(sessions).set({ expiresAt }).where(eq(sessions.id, id));
    return { session: { ...row.session, expiresAt }, viewer: row.viewer, renewed: true, unread: row.unread };
  }
  return { session: row.session, viewer: row.viewer, renewed: false, unread: row.unread };
}

export async function invalidateSession(db: Db, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Logs a person out everywhere, optionally keeping the session they are using. */
export async function invalidateAllSessions(db: Db, personId: string, keepSessionId?: string): Promise<number> {
  const where = keepSessionId
    ? and(eq(sessions.personId, personId), ne(sessions.id, keepSessionId))
    : eq(sessions.personId, personId);
  const deleted = await db.delete(sessions).where(where).returning({ id: sessions.id });
  return deleted.length;
}

export async function listSessions(db: Db, personId: string, now: Date): Promise<Session[]> {
  return db
    .select()
    .from(sessions)
    .where(and(eq(sessions.personId, personId), gt(sessions.expiresAt, now)))
    .orderBy(sessions.createdAt);
}
