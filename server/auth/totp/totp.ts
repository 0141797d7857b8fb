import type * as OtpAuth from "otpauth";
import { onFirstUse } from "../../lazy.ts";

// Loaded with the first two-step sign-in, not at start.
const otpauth = onFirstUse(() => require("otpauth") as typeof OtpAuth);

// Time-based one-time passwords (RFC 6238) by the otpauth library. DeskTrust uses what every
// authenticator app supports: HMAC-SHA1, 6 digits, 30-second steps.

export const PERIOD_SECONDS = 30;

export interface TotpOptions {
  algorithm?: "SHA1" | "SHA256" | "SHA512";
  digits?: number;
}

/** A new random secret (160 bits, as RFC 4226 recommends), base32 for authenticator apps. */
export function newTotpSecret(): string {
  return new (otpauth().Secret)({ size: 20 }).base32;
}

function totp(secretBase32: string, options: TotpOptions = {}): OtpAuth.TOTP {
  return new (otpauth().TOTP)({
    secret: otpauth().Secret.fromBase32(secretBase32),
    algorithm: options.algorithm ?? "SHA1",
    digits: options.digits ?? 6,
    period: PERIOD_SECONDS,
  });
}

/** The code an authenticator shows at `at`. */
export function totpCode(secretBase32: string, at: Date, options: TotpOptions = {}): string {
  return totp(secretBase32, options).generate({ timestamp: at.getTime() });
}

/** The 30-second step `at` falls in (RFC 6238's T). */
export function timeStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / PERIOD_SECONDS);
}

/**
 * The step a code belongs to, allowing one step of clock drift either way; null when the code
 * is wrong. The caller refuses a step at or before the last one used, so a code works once.
 */
export function matchingStep(secretBase32: string, code: string, at: Date): number | null {
  const clean = code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(clean)) return null;
  const delta = totp(secretBase32).validate({ token: clean, timestamp: at.getTime(), window: 1 });
  return delta === null ? null : timeStep(at) + delta;
}

/** The otpauth:// URI an authenticator app reads (as a QR code or a link). */
export function totpUri(secretBase32: string, account: string, issuer: string): string {
  return new (otpauth().TOTP)({
    issuer,
    label: account,
    secret: otpauth().Secret.fromBase32(secretBase32),
    period: PERIOD_SECONDS,
  }).toString();
}
