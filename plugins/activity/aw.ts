import { randomUUID } from "node:crypto";
import { and, desc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../server/plugin-api.ts";
import type { Categorizer } from "./categories.ts";
import { type Checked, type CleanEvent, MAX_DATA_BYTES, MAX_DURATION_S, MAX_FUTURE_MS, MAX_PAST_MS } from "./ingest.ts";
import { buckets, events } from "./schema.ts";
import { parseTimestamp } from "./timestamps.ts";

/**
 * ActivityWatch bucket ids: aw-server accepts any string, and aw-client builds them from the
 * watcher name and the host name, which may contain spaces ("aw-watcher-window_Ana's Mac").
 * Anything printable but a slash, up to 128 characters.
 */
export const BUCKET_ID = /^[^/\p{Cc}]{1,128}$/u;

export interface BucketView {
  id: string;
  name: string;
  type: string;
  client: string;
  hostname: string;
  created: string;
}

export async function listBuckets(db: DbOrTx, deviceId: string): Promise<BucketView[]> {
  const rows = await db.select().from(buckets).where(eq(buckets.deviceId, deviceId));
  return rows.map((b) => ({
    id: b.bucketId,
    name: b.bucketId,
    type: b.type,
    client: b.client,
    hostname: "",
    created: b.createdAt.toISOString(),
  }));
}

/** Creates a bucket; false when it already existed (the API answers 304 then, never an error). */
export async function createBucket(
  db: DbOrTx,
  input: { deviceId: string; bucketId: string; type: string; client: string; at: Date },
): Promise<boolean> {
  const rows = await db
    .insert(buckets)
    .values({
      deviceId: input.deviceId,
      bucketId: input.bucketId,
      type: input.type,
      client: input.client,
      createdAt: input.at,
    })
    .onConflictDoNothing()
    .returning({ id: buckets.bucketId });
  return rows.length > 0;
}

/**
 * An ActivityWatch event reduced to what may be stored. From `data` only `app` (window
 * watcher) and `status` (AFK watcher) survive; titles, URLs, file names and every other key are
 * dropped here, before anything touches the database. `null` value: nothing storable (e.g. a
 * web-watcher event, which is only a URL and a title).
 */
export function checkAwEvent(
  raw: unknown,
  bucketType: string,
  now: Date,
  rules: Categorizer,
): Checked<Omit<CleanEvent, "clientId"> | null> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    return { ok: false, field: "event", message: "must be an object" };
  const e = raw as Record<string, unknown>;
  const start = parseTimestamp(e.timestamp);
  if (!start) return { ok: false, field: "timestamp", message: "must be an RFC 3339 timestamp" };
  const durationS = e.duration === undefined || e.duration === null ? 0 : e.duration;
  if (typeof durationS !== "number" || !Number.isFinite(durationS) || durationS < 0)
    return { ok: false, field: "duration", message: "must be a number of seconds ≥ 0" };
  if (durationS > MAX_DURATION_S) return { ok: false, field: "duration", message: "is longer than a day" };
  if (start.getTime() < now.getTime() - MAX_PAST_MS)
    return { ok: false, field: "timestamp", message: "is more than 24 hours in the past" };
  if (start.getTime() + durationS * 1000 > now.getTime() + MAX_FUTURE_MS)
    return { ok: false, field: "timestamp", message: "is in the future" };
  const data = e.data ?? {};
  if (typeof data !== "object" || data === null || Array.isArray(data))
    return { ok: false, field: "data", message: "must be an object" };
  if (JSON.stringify(data).length > MAX_DATA_BYTES)
    return { ok: false, field: "data", message: `must be at most ${MAX_DATA_BYTES} bytes` };
  const d = data as Record<string, unknown>;
  if (bucketType === "afkstatus" || d.status === "afk" || d.status === "not-afk") {
    if (d.status !== "afk" && d.status !== "not-afk")
      return { ok: false, field: "data.status", message: 'must be "afk" or "not-afk"' };
    return { ok: true, value: { start, durationS, app: null, category: null, afk: d.status === "afk" } };
  }
  if (typeof d.app === "string" && d.app.trim() && d.app.length <= 200) {
    const app = d.app.trim();
    return { ok: true, value: { start, durationS, app, category: rules.categorize(app), afk: false } };
  }
  return { ok: true, value: null };
}

export async function bucketType(db: DbOrTx, deviceId: string, bucketId: string): Promise<string | null> {
  const [row] = await db
    .select({ type: buckets.type })
    .from(buckets)
    .where(and(eq(buckets.deviceId, deviceId), eq(buckets.bucketId, bucketId)));
  return row?.type ?? null;
}

/** An event as the ActivityWatch API answers it. */
export interface AwEventView {
  id: number | null;
  timestamp: string;
  duration: number;
  data: Record<string, unknown>;
}

/**
 * ActivityWatch's heartbeat merge (aw-core `heartbeat_merge`, as aw-server applies it to the
 * bucket's last event): if the last event has the same full data (compared through its keyed
 * digest, see data-digest.ts) and the heartbeat starts between that event's start and its end
 * plus `pulsetime`, the last event grows to `max(duration, heartbeat end − start)`; otherwise
 * the heartbeat becomes a new event. The bucket row is locked so two heartbeats of one bucket
 * never both insert. Returns the event as it now stands (the merged one), like aw-server.
 */
export async function heartbeat(
  tx: DbOrTx,
  device: { deviceId: string; personId: string },
  bucketId: string,
  beat: Omit<CleanEvent, "clientId">,
  pulsetimeS: number,
): Promise<{ merged: boolean; event: { id: number; start: Date; durationS: number } }> {
  await tx.execute(
    sql`select 1 from activity.buckets where device_id = ${device.deviceId}::uuid and bucket_id = ${bucketId} for update`,
  );
  const [last] = await tx
    .select({
      id: events.id,
      startAt: events.startAt,
      durationS: events.durationS,
      app: events.app,
      afk: events.afk,
      dataDigest: events.dataDigest,
    })
    .from(events)
    .where(and(eq(events.deviceId, device.deviceId), eq(events.bucketId, bucketId)))
    .orderBy(desc(events.startAt))
    .limit(1);
  if (last && last.dataDigest === (beat.dataDigest ?? null) && last.app === beat.app && last.afk === beat.afk) {
    const lastStart = last.startAt.getTime();
    const lastEnd = lastStart + last.durationS * 1000;
    const beatStart = beat.start.getTime();
    if (beatStart >= lastStart && beatStart <= lastEnd + pulsetimeS * 1000) {
      const durationS = Math.max(last.durationS, (beatStart + beat.durationS * 1000 - lastStart) / 1000);
      if (durationS > last.durationS) await tx.update(events).set({ durationS }).where(eq(events.id, last.id));
      return { merged: true, event: { id: last.id, start: last.startAt, durationS } };
    }
  }
  const [row] = await tx
    .insert(events)
    .values({
      deviceId: device.deviceId,
      personId: device.personId,
      clientId: `aw:${randomUUID()}`,
      bucketId,
      startAt: beat.start,
      durationS: beat.durationS,
      app: beat.app,
      category: beat.category,
      afk: beat.afk,
      dataDigest: beat.dataDigest ?? null,
    })
    .returning({ id: events.id });
  return { merged: false, event: { id: row?.id ?? 0, start: beat.start, durationS: beat.durationS } };
}
