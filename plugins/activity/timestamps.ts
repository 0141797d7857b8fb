/**
 * RFC 3339 timestamps as ActivityWatch watchers send them. Shared by the server and the relay
 * agent, so it imports nothing.
 */
const iso = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses an RFC 3339 timestamp as ActivityWatch watchers send it: `…Z` or `…+00:00`, with
 * up to microseconds (JavaScript keeps milliseconds). Null for anything else.
 */
export function parseTimestamp(value: unknown): Date | null {
  if (typeof value !== "string") return null;
  const m = iso.exec(value);
  if (!m) return null;
  const fraction = (m[2] ?? "").padEnd(3, "0").slice(0, 3);
  const ms = Date.parse(`${m[1]}.${fraction}${m[3]}`);
  return Number.isNaN(ms) ? null : new Date(ms);
}
