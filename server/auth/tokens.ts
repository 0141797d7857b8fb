import { createHash } from "node:crypto";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";

/** A random secret for a session, invite, reset link or API token: 160 bits, base32. */
export function generateToken(prefix = ""): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return prefix + encodeBase32LowerCaseNoPadding(bytes);
}

/**
 * What the database stores instead of a token: its SHA-256, hex. A leaked table grants nothing.
 * Native hashing: every signed-in request hashes its session token.
 */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
