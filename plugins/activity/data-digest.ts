import { createHmac } from "node:crypto";

/**
 * A keyed digest of an ActivityWatch event's full `data` (title, URL and all), so heartbeats
 * can be merged exactly as aw-server merges them — by comparing the whole `data` — without
 * keeping the data. Keyed with the device token, which the server holds only during a request
 * (it stores the token's SHA-256, not the token), so a stored digest cannot be checked against
 * guessed titles. Shared by the server and the relay agent, so it imports only node:crypto.
 */
export function dataDigest(data: unknown, key: string): string {
  return createHmac("sha256", key).update(canonicalJson(data)).digest("base64url").slice(0, 32);
}

/** JSON with object keys sorted at every level: Python's dict equality ignores key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value ?? null);
}
