import { randomUUID } from "node:crypto";
import type { Context } from "hono";
import { HttpError, type PluginRoutes, type RequestServices, requireViewer } from "../../server/plugin-api.ts";
import { BUCKET_ID, bucketType, checkAwEvent, createBucket, heartbeat, listBuckets } from "./aw.ts";
import { currentCategorizer, listRules } from "./categories.ts";
import { dataDigest } from "./data-digest.ts";
import { authenticateDevice } from "./devices.ts";
import { type CleanEvent, checkBatch, MAX_BATCH_BYTES, MAX_BATCH_EVENTS, storeEvents } from "./ingest.ts";
import { ownWeek, weekStart } from "./my-activity.ts";
import { currentPolicy } from "./policy.ts";
import { requireTeamViewer } from "./team-access.ts";
import { privacyTerms, teamFigures, weeksParam } from "./team-figures.ts";

/**
 * Reads a JSON body of at most `maxBytes`: 413 above it, 400 for malformed JSON. The byte
 * limit is checked on the declared length first and on the text itself after.
 */
async function readJson(c: Context, maxBytes: number): Promise<unknown> {
  const declared = Number(c.req.header("Content-Length") ?? "0");
  if (declared > maxBytes) throw new HttpError(413, `The batch is larger than ${maxBytes} bytes.`);
  const text = await c.req.text();
  if (text.length > maxBytes) throw new HttpError(413, `The batch is larger than ${maxBytes} bytes.`);
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "The body is not valid JSON.");
  }
}

function invalid(field: string, message: string): HttpError {
  return new HttpError(422, `${field} ${message}.`, { fields: { [field]: message } });
}

/** Native ingest and the relay's rule download, under /api/activity. */
export function nativeApi(r: PluginRoutes<Record<string, unknown>>): void {
  r.post("/events", "token", async (c, s) => {
    const now = s.clock.now();
    const device = await authenticateDevice(c, s.db, now);
    const body = await readJson(c, MAX_BATCH_BYTES);
    const list = Array.isArray(body) ? body : (body as { events?: unknown } | null)?.events;
    if (Array.isArray(list) && list.length > MAX_BATCH_EVENTS)
      throw new HttpError(413, `A batch holds at most ${MAX_BATCH_EVENTS} events; split it.`);
    const checked = checkBatch(body, now, await currentCategorizer(s.db));
    if (!checked.ok) throw invalid(checked.field, checked.message);
    if (device.paused) return c.json({ received: checked.value.length, stored: 0, paused: true }, 202);
    const stored = await storeEvents(s.db, device, checked.value);
    return c.json({ received: checked.value.length, stored, paused: false });
  });

  r.get("/categories", "token", async (c, s) => {
    await authenticateDevice(c, s.db, s.clock.now());
    const rules = await listRules(s.db);
    return c.json({ rules: rules.map((rule) => ({ path: rule.path, regex: rule.pattern, ignoreCase: true })) });
  });
}

/** JSON views for signed-in people: their own week, and a team's privacy-checked figures. */
export function memberApi(r: PluginRoutes<Record<string, unknown>>): void {
  r.get("/me", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const thisWeek = weekStart(s.clock.now(), viewer.timeZone);
    const lastWeek = new Date(thisWeek.getTime() - 7 * 86_400_000);
    return c.json({
      thisWeek: await ownWeek(s.db, viewer.id, viewer.timeZone, thisWeek),
      lastWeek: await ownWeek(s.db, viewer.id, viewer.timeZone, lastWeek),
    });
  });

  r.get("/teams/:teamId", "member", async (c, s) => {
    const team = await requireTeamViewer(c, s);
    const { minGroupSize } = await currentPolicy(s.db);
    const figures = await teamFigures(s.db, {
      teamId: team.id,
      weeks: weeksParam(c.req.query("weeks")),
      zone: c.req.query("zone") || undefined,
    });
    return c.json({ team: { name: team.name, timeZone: team.timeZone }, privacy: privacyTerms(minGroupSize), figures });
  });
}

function bucketParam(c: Context): string {
  const id = c.req.param("id") ?? "";
  if (!BUCKET_ID.test(id)) throw new HttpError(400, "A bucket id is 1–128 printable characters without '/'.");
  return id;
}

async function existingBucketType(
  s: RequestServices<Record<string, unknown>>,
  deviceId: string,
  id: string,
): Promise<string> {
  const type = await bucketType(s.db, deviceId, id);
  if (type === null) throw new HttpError(404, `There is no bucket "${id}"; create it first.`);
  return type;
}

/**
 * The ActivityWatch-compatible API at /api/0 (https://docs.activitywatch.net/en/latest/api/rest.html),
 * authenticated with a device token. Titles, URLs and every other `data` key except the app
 * name and the AFK status are dropped before anything is stored.
 */
export function activityWatchApi(r: PluginRoutes<Record<string, unknown>>): void {
  // Like aw-server, /info needs no credentials (aw-client calls it before anything else).
  r.get("/info", "public", (c) =>
    c.json({ hostname: "desktrust", version: "v0.13.2 (desktrust)", testing: false, device_id: "desktrust" }),
  );

  const bucketList = async (c: Context, s: RequestServices<Record<string, unknown>>): Promise<Response> => {
    const device = await authenticateDevice(c, s.db, s.clock.now());
    const list = await listBuckets(s.db, device.deviceId);
    return c.json(Object.fromEntries(list.map((b) => [b.id, b])));
  };
  r.get("/buckets/", "token", bucketList);
  r.get("/buckets", "token", bucketList);

  r.get("/buckets/:id", "token", async (c, s) => {
    const device = await authenticateDevice(c, s.db, s.clock.now());
    const id = bucketParam(c);
    const bucket = (await listBuckets(s.db, device.deviceId)).find((b) => b.id === id);
    if (!bucket) throw new HttpError(404, `There is no bucket "${id}".`);
    return c.json(bucket);
  });

  // 200 when created, 304 when it already exists: stock watchers call this at every start.
  r.post("/buckets/:id", "token", async (c, s) => {
    const now = s.clock.now();
    const device = await authenticateDevice(c, s.db, now);
    const id = bucketParam(c);
    const body = (await readJson(c, 16_384)) as Record<string, unknown> | null;
    if (typeof body !== "object" || body === null || Array.isArray(body))
      throw new HttpError(400, "Send the bucket as a JSON object: { client, type, hostname }.");
    const type = body.type;
    const client = body.client ?? "unknown";
    if (typeof type !== "string" || !type || type.length > 100)
      throw invalid("type", "must be a string of 1–100 characters");
    if (typeof client !== "string" || client.length > 100)
      throw invalid("client", "must be a string of at most 100 characters");
    const created = await createBucket(s.db, { deviceId: device.deviceId, bucketId: id, type, client, at: now });
    return created ? c.json({}, 200) : c.body(null, 304);
  });

  r.post("/buckets/:id/heartbeat", "token", async (c, s) => {
    const now = s.clock.now();
    const device = await authenticateDevice(c, s.db, now);
    const id = bucketParam(c);
    const pulsetime = pulsetimeParam(c.req.query("pulsetime"));
    const type = await existingBucketType(s, device.deviceId, id);
    const raw = await readJson(c, 16_384);
    const checked = checkAwEvent(raw, type, now, await currentCategorizer(s.db));
    if (!checked.ok) throw invalid(checked.field, checked.message);
    const beat = checked.value;
    if (!beat || device.paused) return c.json(echo(beat));
    const withDigest = { ...beat, dataDigest: dataDigest((raw as { data?: unknown }).data ?? {}, device.token) };
    const { event } = await s.transaction((tx) => heartbeat(tx, device, id, withDigest, pulsetime));
    // aw-server answers with the event as it now stands: the merged one.
    return c.json({ ...echo({ ...beat, start: event.start, durationS: event.durationS }), id: event.id });
  });

  r.post("/buckets/:id/events", "token", async (c, s) => {
    const now = s.clock.now();
    const device = await authenticateDevice(c, s.db, now);
    const id = bucketParam(c);
    const type = await existingBucketType(s, device.deviceId, id);
    const body = await readJson(c, MAX_BATCH_BYTES);
    const list = Array.isArray(body) ? body : [body];
    if (list.length > MAX_BATCH_EVENTS) throw new HttpError(413, `At most ${MAX_BATCH_EVENTS} events per request.`);
    const rules = await currentCategorizer(s.db);
    const clean: CleanEvent[] = [];
    for (const [i, raw] of list.entries()) {
      const checked = checkAwEvent(raw, type, now, rules);
      if (!checked.ok) throw invalid(`events[${i}].${checked.field}`, checked.message);
      if (checked.value) clean.push({ ...checked.value, clientId: `aw:${randomUUID()}` });
    }
    if (!device.paused) await storeEvents(s.db, device, clean, id);
    return c.json(clean.map(echo));
  });
}

/**
 * `pulsetime` is required, as in aw-server (400 without it); any number of seconds ≥ 0 up to a
 * day (aw-watcher-afk sends its timeout plus poll time, which may exceed an hour).
 */
function pulsetimeParam(value: string | undefined): number {
  if (value === undefined || value === "") throw new HttpError(400, "pulsetime is required (seconds).");
  const pulsetime = Number(value);
  if (!Number.isFinite(pulsetime) || pulsetime < 0 || pulsetime > 86_400)
    throw new HttpError(400, "pulsetime must be a number of seconds between 0 and 86400.");
  return pulsetime;
}

/** What the API answers for an event: the event as stored, so a watcher sees the title is gone. */
function echo(e: Omit<CleanEvent, "clientId"> | null): Record<string, unknown> {
  if (!e) return { data: {} };
  return {
    timestamp: e.start.toISOString(),
    duration: e.durationS,
    data: e.app ? { app: e.app } : { status: e.afk ? "afk" : "not-afk" },
  };
}
