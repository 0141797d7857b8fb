import { and, eq, gt, inArray, isNull } from "drizzle-orm";
import type { Db, DbOrTx } from "../db/index.ts";
import { queueMail } from "../mail/outbox.ts";
import { getOrganization } from "../org/org.ts";
import { findPersonByEmail } from "../people/people.ts";
import { people } from "../people/schema.ts";
import { replacePassword } from "./credentials.ts";
import { hashPassword } from "./password.ts";
import { passwordResets } from "./schema.ts";
import { lockedFor, recordFailure, type ThrottlePolicy } from "./throttle.ts";
import { generateToken, hashToken } from "./tokens.ts";

export const RESET_LIFETIME_MS = 60 * 60_000;

/**
 * How many reset mails an address (and a client) may trigger. Counted per typed address,
 * whether or not an account exists, so the limit itself reveals nothing.
 */
export const resetThrottle: ThrottlePolicy = {
  perAccount: 3,
  perIp: 20,
  windowMs: 60 * 60_000,
  lockMs: 60 * 60_000,
};

export function resetLink(baseUrl: string, token: string): string {
  return `${baseUrl}/reset-password/${token}`;
}

export type ResetRequest = { outcome: "queued" } | { outcome: "no-account" } | { outcome: "throttled" };

/**
 * Handles "I forgot my password": when an active account has this email, stores a reset
 * token's hash and queues the link by email. The caller answers the same whatever the
 * outcome, so the form cannot be used to find out who has an account.
 */
export async function requestPasswordReset(
  db: Db,
  input: { email: string; ip: string },
  options: { now: Date; baseUrl: string },
): Promise<ResetRequest> {
  const { now } = options;
  const keys = { account: `reset:email:${input.email.trim().toLowerCase()}`, ip: `reset:ip:${input.ip || "unknown"}` };
  if ((await lockedFor(db, [keys.account, keys.ip], now)) > 0) return { outcome: "throttled" };
  await recordFailure(db, keys, now, resetThrottle);

  const person = await findPersonByEmail(db, input.email);
  if (person?.status !== "active") return { outcome: "no-account" };
  const token = generateToken();
  const tokenHash = hashToken(token);
  const expiresAt = new Date(now.getTime() + RESET_LIFETIME_MS);
  await db.transaction(async (tx) => {
    await tx.insert(passwordResets).values({ tokenHash, personId: person.id, expiresAt, createdAt: now });
    const org = await getOrganization(tx);
    await queueMail(
      tx,
      {
        dedupeKey: `reset:${tokenHash}`,
        to: person.email,
        subject: "Reset your DeskTrust password",
        text: [
          `Hello ${person.name},`,
          "",
          `Someone (hopefully you) asked to reset your password for ${org?.name ?? "DeskTrust"}.`,
          "Open this link within an hour to choose a new one:",
          resetLink(options.baseUrl, token),
          "",
          "The link works once. Resetting signs you out on every device.",
          "If you did not ask for this, ignore this email: your password stays as it is.",
        ].join("\n"),
      },
      now,
    );
  });
  return { outcome: "queued" };
}

export type ResetLookup = { ok: true; personId: string } | { ok: false; reason: "unknown" | "used" | "expired" };

/** Says whether a reset link can still be used. */
export async function lookupPasswordReset(db: DbOrTx, token: string, now: Date): Promise<ResetLookup> {
  const [reset] = await db
    .select({ personId: passwordResets.personId, usedAt: passwordResets.usedAt, expiresAt: passwordResets.expiresAt })
    .from(passwordResets)
    .innerJoin(people, eq(people.id, passwordResets.personId))
    .where(and(eq(passwordResets.tokenHash, hashToken(token)), eq(people.status, "active")));
  if (!reset) return { ok: false, reason: "unknown" };
  if (reset.usedAt) return { ok: false, reason: "used" };
  if (reset.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: "expired" };
  return { ok: true, personId: reset.personId };
}

export type ResetResult = { ok: true; personId: string; email: string } | { ok: false };

/**
 * Sets a new password through a reset link. The link is claimed with a conditional update
 * (`used_at is null`), so it works once even when submitted twice at the same moment; every
 * other open link of the person is spent too, and all their sessions end.
 */
export async function completePasswordReset(db: Db, token: string, password: string, now: Date): Promise<ResetResult> {
  const hash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const [claimed] = await tx
      .update(passwordResets)
      .set({ usedAt: now })
      .where(
        and(
          eq(passwordResets.tokenHash, hashToken(token)),
          isNull(passwordResets.usedAt),
          gt(passwordResets.expiresAt, now),
          inArray(
            passwordResets.personId,
            tx.select({ id: people.id }).from(people).where(eq(people.status, "active")),
          ),
        ),
      )
      .returning({ personId: passwordResets.personId });
    if (!claimed) return { ok: false } as const;
    const [person] = await tx.select({ email: people.email }).from(people).where(eq(people.id, claimed.personId));
    await tx
      .update(passwordResets)
      .set({ usedAt: now })
      .where(and(eq(passwordResets.personId, claimed.personId), isNull(passwordResets.usedAt)));
    await replacePassword(tx, claimed.personId, hash);
    return { ok: true, personId: claimed.personId, email: person?.email ?? "" } as const;
  });
}
