import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

export type FlashKind = "success" | "info" | "error";
export interface Flash {
  kind: FlashKind;
  message: string;
}

export const FLASH_COOKIE = "dt_flash";
const COOKIE = FLASH_COOKIE;

/** Leaves a one-time message for the next page the browser loads (after a redirect). */
export function setFlash(c: Context, kind: FlashKind, message: string): void {
  setCookie(c, COOKIE, Buffer.from(JSON.stringify({ kind, message })).toString("base64url"), {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    maxAge: 60,
  });
}

/** Reads and clears the pending message, if any. */
export function takeFlash(c: Context): Flash | null {
  const value = getCookie(c, COOKIE);
  if (!value) return null;
  deleteCookie(c, COOKIE, { path: "/" });
  try {
    const parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as Partial<Flash>;
    const kind = parsed.kind === "success" || parsed.kind === "error" ? parsed.kind : "info";
    return typeof parsed.message === "string" ? { kind, message: parsed.message.slice(0, 300) } : null;
  } catch {
    return null;
  }
}
