import { sql } from "drizzle-orm";
import type { DbOrTx } from "../../server/plugin-api.ts";
import { type Categorizer, OTHER } from "./categories.ts";
import { rowsOf } from "./sql.ts";
import { parseTimestamp } from "./timestamps.ts";

/** Most events one native batch may carry; a bigger batch gets 413. */
export const MAX_BATCH_EVENTS = 5_000;
/** Largest native batch body, in bytes (413 above it). */
export const MAX_BATCH_BYTES = 1024 * 1024;
/** Events may not start earlier than this before now: raw events live 24 hours. */
export const MAX_PAST_MS = 24 * 3_600_000;
/** Clock skew tolerated for events "in the future". */
export const MAX_FUTURE_MS = 5 * 60_000;
/** One event lasts at most a day. */
export const MAX_DURATION_S = 86_400;
/** Longest app name, category or client id kept. */
const MAX_TEXT = 200;
/** Largest `data` object an ActivityWatch event may carry (serialized). */
export const MAX_DATA_BYTES = 4_096;

/** An event ready to store: only what the privacy rules allow (no title, no URL). */
export interface CleanEvent {
  clientId: string;
  start: Date;
  durationS: number;
  app: string | null;
  category: string | null;
  afk: boolean;
  /** Keyed digest of the full ActivityWatch data (heartbeats only), see `events.data_digest`. */
  dataDigest?: string | null;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

function shortText(value: unknown): string | null | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") return null;
  const trimmed = value.trim();
  return trimmed.length > MAX_TEXT ? null : trimmed;
}

function checkWindow(start: Date, durationS: number, now: Date, field: string): Checked<true> {
  if (start.getTime() < now.getTime() - MAX_PAST_MS)
    return { ok: false, field, message: "is more than 24 hours in the past" };
  if (start.getTime() + durationS * 1000 > now.getTime() + MAX_FUTURE_MS)
    return { ok: false, field, message: "ends in the future" };
  return { ok: true, value: true };
}

/**
 * Validates one native event `{ id, start, end | duration, app?, category?, afk }`. Unknown
 * keys (a `title`, a `url`) are ignored and never stored.
 */
export function checkNativeEvent(raw: unknown, index: number, now: Date, rules: Categorizer): Checked<CleanEvent> {
  const at = `events[${index}]`;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    return { ok: false, field: at, message: "must be an object" };
  const e = raw as Record<string, unknown>;
  const id = typeof e.id === "number" && Number.isSafeInteger(e.id) ? String(e.id) : e.id;
  if (typeof id !== "string" || id.length === 0 || id.length > 128)
    return { ok: false, field: `${at}.id`, message: "must be a string of 1–128 characters" };
  const start = parseTimestamp(e.start);
  if (!start) return { ok: false, field: `${at}.start`, message: "must be an RFC 3339 timestamp" };
  let durationS: number;
  if (e.end !== undefined) {
    const end = parseTimestamp(e.end);
    if (!end) return { ok: false, field: `${at}.end`, message: "must be an RFC 3339 timestamp" };
    durationS = (end.getTime() - start.getTime()) / 1000;
    if (durationS < 0) return { ok: false, field: `${at}.end`, message: "is before start" };
  } else {
    durationS = e.duration === undefined ? 0 : (e.duration as number);
    if (typeof durationS !== "number" || !Number.isFinite(durationS) || durationS < 0)
      return { ok: false, field: `${at}.duration`, message: "must be a number of seconds ≥ 0" };
  }
  if (durationS > MAX_DURATION_S) return { ok: false, field: `${at}.duration`, message: "is longer than a day" };
  const window = checkWindow(start, durationS, now, `${at}.start`);
  if (!window.ok) return window;
  const app = shortText(e.app);
  if (app === null) return { ok: false, field: `${at}.app`, message: "must be a string of at most 200 characters" };
  const category = shortText(e.category);
  if (category === null)
    return { ok: false, field: `${at}.category`, message: "must be a string of at most 200 characters" };
  if (e.afk !== undefined && typeof e.afk !== "boolean")
    return { ok: false, field: `${at}.afk`, message: "must be true or false" };
  const afk = e.afk === true;
  return {
    ok: true,
    value: {
      clientId: id,
      start,
      durationS,
      app: app || null,
      // A category from a relay is kept only if the org's rules know it; else the server decides.
      category: category && rules.knows(category) ? category : app ? rules.categorize(app) : category ? OTHER : null,
      afk,
    },
  };
}

/** Validates a whole batch; the first bad event fails it (nothing is stored). */
export function checkBatch(body: unknown, now: Date, rules: Categorizer): Checked<CleanEvent[]> {
  const list = Array.isArray(body) ? body : (body as { events?: unknown } | null)?.events;
  if (!Array.isArray(list)) return { ok: false, field: "events", message: "must be an array of events" };
  const clean: CleanEvent[] = new Array(list.length);
  const seen = new Set<string>();
  for (let i = 0; i < list.length; i++) {
    const checked = checkNativeEvent(list[i], i, now, rules);
    if (!checked.ok) return checked;
    if (seen.has(checked.value.clientId))
      return { ok: false, field: `events[${i}].id`, message: "repeats an id earlier in the batch" };
    seen.add(checked.value.clientId);
    clean[i] = checked.value;
  }
  return { ok: true, value: clean };
}

/**
 * Stores a batch with one multi-row statement: the rows travel as one JSON parameter and are
 * unpacked by `json_to_recordset`, which is far cheaper than a statement (or a query-builder
 * row) per event. Idempotent on (device, client id); a retried event only ever grows, so a
 * relay that re-sends an event it extended (an ActivityWatch heartbeat merge) is counted once.
 */
export async function storeEvents(
  db: DbOrTx,
  device: { deviceId: string; personId: string },
  list: CleanEvent[],
  bucketId: string | null = null,
): Promise<number> {
  if (!list.length) return 0;
  const payload = JSON.stringify(
    list.map((e) => ({
      i: e.clientId,
      s: e.start.toISOString(),
      d: e.durationS,
      a: e.app,
      c: e.category,
      k: e.afk,
      g: e.dataDigest ?? null,
    })),
  );
  const result = await db.execute(sql`
    with stored as (
      insert into activity.events (device_id, person_id, client_id, bucket_id, start_at, duration_s, app, category, afk, data_digest)
      select ${device.deviceId}::uuid, ${device.personId}::uuid, x.i, ${bucketId}, x.s::timestamptz, x.d, x.a, x.c, x.k, x.g
      from json_to_recordset(${payload}::json) as x(i text, s text, d float8, a text, c text, k boolean, g text)
      on conflict (device_id, client_id) do update set duration_s = excluded.duration_s
        where activity.events.duration_s < excluded.duration_s
      returning 1
    )
    select count(*)::int as n from stored`);
  return rowsOf<{ n: number }>(result)[0]?.n ?? 0;
}
