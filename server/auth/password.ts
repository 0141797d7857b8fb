import { z } from "zod";
import { onFirstUse } from "../lazy.ts";

/** Password rules, shared by setup, invite acceptance, reset and profile forms. */
export const passwordField = z.string().min(10, "Use at least 10 characters.").max(256, "Use at most 256 characters.");

export function hashPassword(password: string): Promise<string> {
  return Bun.password.hash(password, { algorithm: "argon2id" });
}

export async function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  // Verify against a dummy hash when there is none so timing does not reveal which emails exist.
  const target = hash ?? (await dummyHash());
  const ok = await Bun.password.verify(password, target).catch(() => false);
  return hash !== null && ok;
}

// Made once the server runs (`warm`), not while it starts: argon2id fills 64 MB, 0.3 s of CPU
// a start would take from opening the embedded database.
const dummyHash = onFirstUse(() => Bun.password.hash("not-a-real-password", { algorithm: "argon2id" }), {
  warm: true,
});
