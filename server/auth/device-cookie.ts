import { hmac } from "@oslojs/crypto/hmac";
import { SHA256 } from "@oslojs/crypto/sha2";
import { constantTimeEqual } from "@oslojs/crypto/subtle";
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from "@oslojs/encoding";
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../http/env.ts";
import { installSecret } from "../org/secrets.ts";
import { clientIp } from "./middleware.ts";
import type { SignInAttempt } from "./sign-in-throttle.ts";

/**
 * A device cookie (OWASP's "device cookies" against brute force): after a successful sign-in the
 * browser gets a cookie naming a random device id, signed together with the account's email.
 * Later attempts on that account from that browser are counted on their own, so a guesser
 * elsewhere — even behind the same address — never slows the owner down.
 */
export const DEVICE_COOKIE = "dt_device";
const DEVICE_COOKIE_MAX_AGE_S = 365 * 24 * 60 * 60;

/** The client a sign-in attempt on `email` comes from: its device cookie for that account, else its address. */
export async function signInAttempt(c: Context<AppEnv>, email: string): Promise<SignInAttempt> {
  const normalized = email.trim().toLowerCase();
  const device = await verifiedDevice(c, normalized);
  if (device) return { email: normalized, client: `device:${device}`, trusted: true };
  return { email: normalized, client: `ip:${clientIp(c) || "unknown"}`, trusted: false };
}

/** Gives this browser a device cookie for `email` (or keeps the one it has for it). */
export async function rememberDevice(c: Context<AppEnv>, email: string): Promise<void> {
  const normalized = email.trim().toLowerCase();
  if (await verifiedDevice(c, normalized)) return;
  const id = new Uint8Array(16);
  crypto.getRandomValues(id);
  const device = encodeBase64urlNoPadding(id);
  setCookie(c, DEVICE_COOKIE, `${device}.${await signature(c, normalized, device)}`, {
    path: "/login",
    httpOnly: true,
    sameSite: "Strict",
    secure: c.get("app").config.secureCookies,
    maxAge: DEVICE_COOKIE_MAX_AGE_S,
  });
}

async function verifiedDevice(c: Context<AppEnv>, email: string): Promise<string | null> {
  const [device, mac] = (getCookie(c, DEVICE_COOKIE) ?? "").split(".");
  if (!device || !mac || device.length > 64 || mac.length > 64) return null;
  let given: Uint8Array;
  try {
    given = decodeBase64urlIgnorePadding(mac);
  } catch {
    return null;
  }
  const expected = decodeBase64urlIgnorePadding(await signature(c, email, device));
  return given.length === expected.length && constantTimeEqual(given, expected) ? device : null;
}

async function signature(c: Context<AppEnv>, email: string, device: string): Promise<string> {
  const secret = await installSecret(c.get("app").db, "device-cookie");
  const mac = hmac(SHA256, new TextEncoder().encode(secret), new TextEncoder().encode(`${email}\n${device}`));
  return encodeBase64urlNoPadding(mac);
}
