import { and, eq } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { sessions } from "./schema.ts";
import { listSessions, type Session } from "./session.ts";
import { hashToken } from "./tokens.ts";

/**
 * A short, stable name for a session in forms and URLs. The session id is already a hash,
 * but it is also the primary key; pages show a digest of it instead, which only the
 * owner's own session list can map back.
 */
export function sessionRef(sessionId: string): string {
  return hashToken(`session-ref:${sessionId}`).slice(0, 16);
}

export interface OwnSession {
  ref: string;
  createdAt: Date;
  expiresAt: Date;
  userAgent: string;
  ip: string;
  current: boolean;
}

/** The person's unexpired sessions, newest first, with the one in use marked. */
export async function ownSessions(
  db: Db,
  personId: string,
  currentSessionId: string | null,
  now: Date,
): Promise<OwnSession[]> {
  const rows: Session[] = await listSessions(db, personId, now);
  return rows
    .map((s) => ({
      ref: sessionRef(s.id),
      createdAt: s.createdAt,
      expiresAt: s.expiresAt,
      userAgent: s.userAgent,
      ip: s.ip,
      current: s.id === currentSessionId,
    }))
    .reverse();
}

export type SessionRevocation = { ok: true; wasCurrent: boolean } | { ok: false };

/** Ends one of the person's own sessions, named by its ref. Another person's session is never found. */
export async function revokeOwnSession(
  db: Db,
  personId: string,
  ref: string,
  currentSessionId: string | null,
  now: Date,
): Promise<SessionRevocation> {
  const target = (await listSessions(db, personId, now)).find((s) => sessionRef(s.id) === ref);
  if (!target) return { ok: false };
  await db.delete(sessions).where(and(eq(sessions.id, target.id), eq(sessions.personId, personId)));
  return { ok: true, wasCurrent: target.id === currentSessionId };
}
