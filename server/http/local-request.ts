import type { Context } from "hono";
import { getConnInfo } from "hono/bun";
import type { AppEnv } from "./env.ts";

const loopback = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i;

/**
 * Whether the request comes from this machine: the socket peer is a loopback address and no
 * proxy forwarded it (a reverse proxy on the same host would otherwise make everyone local).
 * A request handed to the app in-process (`app.request`, no socket) is local too.
 */
export function isLocalRequest(c: Context<AppEnv>): boolean {
  const forwarded = c.req.header("X-Forwarded-For") ?? c.req.header("Forwarded") ?? c.req.header("X-Real-IP");
  let address: string | undefined;
  try {
    address = getConnInfo(c).remote.address;
  } catch {
    return !forwarded;
  }
  if (!address || !loopback.test(address)) return false;
  if (!forwarded) return true;
  if (!c.get("app").config.trustProxy) return false;
  const client = forwarded.split(",")[0]?.trim() ?? "";
  return loopback.test(client);
}
