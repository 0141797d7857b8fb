import { and, eq, isNotNull, isNull, lt, sql } from "drizzle-orm";
import type { AppContext } from "../../context.ts";
import type { DbOrTx } from "../../db/index.ts";
import { audit } from "../../org/audit.ts";
import { seal, unseal } from "../../org/sealed.ts";
import { generateToken, hashToken } from "../tokens.ts";
import { twoFactor, twoFactorRecoveryCodes } from "./schema.ts";
import { matchingStep, newTotpSecret } from "./totp.ts";

export const RECOVERY_CODE_COUNT = 10;

/** Whether the person has confirmed an authenticator (two-factor is on). */
export async function hasTwoFactor(db: DbOrTx, personId: string): Promise<boolean> {
  const [row] = await db
    .select({ personId: twoFactor.personId })
    .from(twoFactor)
    .where(and(eq(twoFactor.personId, personId), isNotNull(twoFactor.confirmedAt)));
  return Boolean(row);
}

/**
 * The secret being set up: the pending one if the person already started (a reload shows the
 * same secret), else a new one (unless `create` is false). Null when two-factor is already on.
 */
export async function pendingSecret(
  ctx: AppContext,
  personId: string,
  at: Date,
  options: { create: boolean } = { create: true },
): Promise<string | null> {
  const [row] = await ctx.db.select().from(twoFactor).where(eq(twoFactor.personId, personId));
  if (row?.confirmedAt) return null;
  if (row) {
    const secret = await unseal(ctx, row.secretSealed);
    if (secret) return secret;
  }
  if (!options.create) return null;
  const secret = newTotpSecret();
  const secretSealed = await seal(ctx, secret);
  await ctx.db
    .insert(twoFactor)
    .values({ personId, secretSealed, createdAt: at })
    .onConflictDoUpdate({
      target: twoFactor.personId,
      set: { secretSealed, createdAt: at },
      where: isNull(twoFactor.confirmedAt),
    });
  return secret;
}

/** Fresh recovery codes: 10 single-use codes like `k3fz-9qvd-2mpa`, stored hashed. */
function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const raw = generateToken().slice(0, 12);
    return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8, 12)}`;
  });
}

function normalizedRecoveryCode(code: string): string {
  return code
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "");
}

async function replaceRecoveryCodes(tx: DbOrTx, personId: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  await tx.delete(twoFactorRecoveryCodes).where(eq(twoFactorRecoveryCodes.personId, personId));
  await tx
    .insert(twoFactorRecoveryCodes)
    .values(codes.map((code) => ({ personId, codeHash: hashToken(normalizedRecoveryCode(code)) })));
  return codes;
}

export type Enrollment = { ok: true; recoveryCodes: string[] } | { ok: false; message: string };

/** Turns two-factor on once the person proves their app shows the right code. */
export async function confirmTwoFactor(
  ctx: AppContext,
  input: { personId: string; code: string; at: Date },
): Promise<Enrollment> {
  const [row] = await ctx.db.select().from(twoFactor).where(eq(twoFactor.personId, input.personId));
  if (!row || row.confirmedAt) return { ok: false, message: "Start the set-up again." };
  const secret = await unseal(ctx, row.secretSealed);
  const step = secret ? matchingStep(secret, input.code, input.at) : null;
  if (step === null)
    return { ok: false, message: "That code is not the one your app shows. Check the app's time and try again." };
  const recoveryCodes = await ctx.db.transaction(async (tx) => {
    await tx
      .update(twoFactor)
      .set({ confirmedAt: input.at, lastUsedStep: step })
      .where(eq(twoFactor.personId, input.personId));
    const codes = await replaceRecoveryCodes(tx, input.personId);
    await audit(tx, { actorId: input.personId, action: "two-factor.enabled", target: input.personId, at: input.at });
    return codes;
  });
  return { ok: true, recoveryCodes };
}

export type SecondFactor = { ok: true; method: "app" | "recovery-code" } | { ok: false };

/**
 * Checks a code from the authenticator app (each code works once: its step must be later than
 * the last one used) or an unused recovery code (used up now, audit-logged).
 */
export async function verifySecondFactor(
  ctx: AppContext,
  input: { personId: string; code: string; at: Date },
): Promise<SecondFactor> {
  const [row] = await ctx.db
    .select()
    .from(twoFactor)
    .where(and(eq(twoFactor.personId, input.personId), isNotNull(twoFactor.confirmedAt)));
  if (!row) return { ok: false };
  const secret = await unseal(ctx, row.secretSealed);
  const step = secret ? matchingStep(secret, input.code, input.at) : null;
  if (step !== null) {
    // Compare-and-set, so two requests with the same code cannot both pass.
    const [used] = await ctx.db
      .update(twoFactor)
      .set({ lastUsedStep: step })
      .where(and(eq(twoFactor.personId, input.personId), lt(twoFactor.lastUsedStep, step)))
      .returning({ personId: twoFactor.personId });
    return used ? { ok: true, method: "app" } : { ok: false };
  }
  const codeHash = hashToken(normalizedRecoveryCode(input.code));
  return ctx.db.transaction(async (tx): Promise<SecondFactor> => {
    const [spent] = await tx
      .update(twoFactorRecoveryCodes)
      .set({ usedAt: input.at })
      .where(
        and(
          eq(twoFactorRecoveryCodes.personId, input.personId),
          eq(twoFactorRecoveryCodes.codeHash, codeHash),
          isNull(twoFactorRecoveryCodes.usedAt),
        ),
      )
      .returning();
    if (!spent) return { ok: false };
    const [left] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(twoFactorRecoveryCodes)
      .where(and(eq(twoFactorRecoveryCodes.personId, input.personId), isNull(twoFactorRecoveryCodes.usedAt)));
    await audit(tx, {
      actorId: input.personId,
      action: "two-factor.recovery-code-used",
      target: input.personId,
      details: { left: left?.n ?? 0 },
      at: input.at,
    });
    return { ok: true, method: "recovery-code" };
  });
}

/** Replaces the recovery codes (the old ones stop working). */
export async function regenerateRecoveryCodes(
  db: AppContext["db"],
  input: { personId: string; at: Date },
): Promise<string[]> {
  return db.transaction(async (tx) => {
    const codes = await replaceRecoveryCodes(tx, input.personId);
    await audit(tx, {
      actorId: input.personId,
      action: "two-factor.recovery-codes-replaced",
      target: input.personId,
      at: input.at,
    });
    return codes;
  });
}

export async function unusedRecoveryCodes(db: DbOrTx, personId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(twoFactorRecoveryCodes)
    .where(and(eq(twoFactorRecoveryCodes.personId, personId), isNull(twoFactorRecoveryCodes.usedAt)));
  return row?.n ?? 0;
}

/** Turns two-factor off and drops the recovery codes (by the person, or an admin after a lost phone). */
export async function disableTwoFactor(
  db: AppContext["db"],
  input: { personId: string; actorId: string; at: Date },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [removed] = await tx.delete(twoFactor).where(eq(twoFactor.personId, input.personId)).returning();
    await tx.delete(twoFactorRecoveryCodes).where(eq(twoFactorRecoveryCodes.personId, input.personId));
    if (!removed?.confirmedAt) return false;
    await audit(tx, {
      actorId: input.actorId,
      action: input.actorId === input.personId ? "two-factor.disabled" : "two-factor.reset-by-admin",
      target: input.personId,
      at: input.at,
    });
    return true;
  });
}
