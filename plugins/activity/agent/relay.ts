/**
 * The DeskTrust relay agent: a local stand-in for aw-server, so stock ActivityWatch watchers
 * (aw-watcher-window, aw-watcher-afk) report to DeskTrust unchanged.
 *
 *   bun plugins/activity/agent/relay.ts --server https://desk.example.com --token dta_…
 *
 * It listens on 127.0.0.1:5600 with the same API, keeps only the app name and AFK status of
 * each event (titles and URLs are dropped on arrival, never written to disk), categorizes the
 * app with the organization's rules (fetched from the server), merges heartbeats locally,
 * queues events in SQLite while the server is unreachable, and forwards them with the device
 * token through the native batch API. Every event has a client id, so a resend after a lost
 * reply is counted once; an event extended after it was sent is re-sent with its new length.
 */
import { Database } from "bun:sqlite";
import { randomUUID } from "node:crypto";
import { dataDigest } from "../data-digest.ts";
import { parseTimestamp } from "../timestamps.ts";

export interface RelayOptions {
  /** DeskTrust's base URL, e.g. https://desk.example.com */
  serverUrl: string;
  /** The device token (dta_…). */
  token: string;
  /** Port on 127.0.0.1; 5600 is what watchers expect. 0 picks a free one (tests). */
  port?: number;
  /**
   * Beside-aw-server mode: read the person's own aw-server (e.g. http://127.0.0.1:5600) instead
   * of listening. aw-server keeps the full local history, its web UI and `aw-client` working;
   * the relay only reads the window and AFK buckets and forwards categories.
   */
  awServerUrl?: string;
  /** The on-disk queue (SQLite). */
  queuePath: string;
  /** How often queued events are forwarded. */
  flushEveryMs?: number;
  now?: () => number;
}

export interface Relay {
  /** The port the relay listens on; 0 in beside-aw-server mode (it does not listen). */
  port: number;
  /** Forwards what is queued; resolves with how many events the server accepted. */
  flush(): Promise<number>;
  /** Events still waiting to be forwarded. */
  pending(): number;
  stop(): Promise<void>;
}

interface Rule {
  path: string[];
  regex: string;
}

/** The server refuses events older than this; older queued events are dropped and logged. */
const MAX_QUEUE_AGE_MS = 23 * 3_600_000;
const BATCH = 1_000;

type Clean = { start: number; duration: number; app: string | null; afk: boolean } | null;

/** Keeps `app` (window watcher) or `status` (AFK watcher); everything else in `data` is dropped. */
function clean(raw: unknown, bucketType: string): Clean | "invalid" {
  if (typeof raw !== "object" || raw === null) return "invalid";
  const e = raw as Record<string, unknown>;
  const start = parseTimestamp(e.timestamp);
  const duration = e.duration === undefined || e.duration === null ? 0 : e.duration;
  if (!start || typeof duration !== "number" || !Number.isFinite(duration) || duration < 0) return "invalid";
  const data = (typeof e.data === "object" && e.data !== null ? e.data : {}) as Record<string, unknown>;
  if (bucketType === "afkstatus" || data.status === "afk" || data.status === "not-afk") {
    return { start: start.getTime(), duration, app: null, afk: data.status === "afk" };
  }
  if (typeof data.app === "string" && data.app.trim())
    return { start: start.getTime(), duration, app: data.app.trim().slice(0, 200), afk: false };
  return null;
}

export function startRelay(options: RelayOptions): Relay {
  const now = options.now ?? Date.now;
  const db = new Database(options.queuePath, { create: true });
  db.exec(`
    pragma journal_mode = wal;
    create table if not exists buckets (id text primary key, type text not null, client text not null, created text not null);
    create table if not exists events (
      client_id text primary key, bucket text not null, start_ms integer not null, duration real not null,
      app text, afk integer not null, version integer not null default 0, sent_version integer not null default -1);
    create index if not exists events_bucket on events (bucket, start_ms);
    create index if not exists events_unsent on events (sent_version, version);
    create table if not exists rules (json text not null);
    create table if not exists state (key text primary key, value text not null);
  `);
  // Queues written by earlier versions lack the digest column.
  const columns = db.query<{ name: string }, []>("pragma table_info(events)").all();
  if (!columns.some((c) => c.name === "digest")) db.exec("alter table events add column digest text");
  const setState = db.query(
    "insert into state (key, value) values (?, ?) on conflict (key) do update set value = excluded.value",
  );
  const remember = (key: string, value: string): void => {
    setState.run(key, value);
  };
  remember(
    "mode",
    options.awServerUrl ? `beside aw-server ${options.awServerUrl}` : `listening on 127.0.0.1:${options.port ?? 5600}`,
  );
  let rules: { regex: RegExp; key: string }[] = [];
  // Until the organization's rules are known nothing with an app leaves this machine: the app
  // name is never forwarded, only its category.
  let rulesLoaded = false;
  const loadRules = (list: Rule[]): void => {
    rulesLoaded = true;
    rules = list.flatMap((r) => {
      try {
        return [{ regex: new RegExp(r.regex, "i"), key: r.path.join(" > ") }];
      } catch {
        return [];
      }
    });
  };
  const cachedRules = db.query<{ json: string }, []>("select json from rules").get();
  if (cachedRules) loadRules(JSON.parse(cachedRules.json) as Rule[]);
  const categorize = (app: string): string => rules.find((r) => r.regex.test(app))?.key ?? "Other";

  const headers = { Authorization: `Bearer ${options.token}`, "Content-Type": "application/json" };
  const server = options.serverUrl.replace(/\/$/, "");

  async function refreshRules(): Promise<void> {
    try {
      const res = await fetch(`${server}/api/activity/categories`, { headers });
      if (!res.ok) return;
      const body = (await res.json()) as { rules: Rule[] };
      loadRules(body.rules);
      db.transaction(() => {
        db.run("delete from rules");
        db.run("insert into rules (json) values (?)", [JSON.stringify(body.rules)]);
      })();
    } catch {
      // Offline: keep the cached rules.
    }
  }

  const lastOf = db.query<
    { client_id: string; start_ms: number; duration: number; app: string | null; afk: number; digest: string | null },
    [string]
  >(
    "select client_id, start_ms, duration, app, afk, digest from events where bucket = ? order by start_ms desc limit 1",
  );
  const insert = db.query(
    "insert into events (client_id, bucket, start_ms, duration, app, afk, digest) values (?, ?, ?, ?, ?, ?, ?)",
  );
  const extend = db.query("update events set duration = ?, version = version + 1 where client_id = ?");

  const store = (bucket: string, e: NonNullable<Clean>, digest: string | null = null): void => {
    insert.run(randomUUID(), bucket, e.start, e.duration, e.app, e.afk ? 1 : 0, digest);
  };

  /**
   * ActivityWatch's heartbeat merge (aw-core `heartbeat_merge`), done here so only merged events
   * travel, and on the full data: `digest` is a keyed digest of the heartbeat's whole `data`
   * (title included), so a title change starts a new event exactly as in aw-server, while the
   * title itself never reaches the disk. Returns the event as it now stands.
   */
  const beat = db.transaction(
    (bucket: string, e: NonNullable<Clean>, digest: string, pulsetime: number): { start: number; duration: number } => {
      const last = lastOf.get(bucket);
      if (last && last.digest === digest) {
        const lastEnd = last.start_ms + last.duration * 1000;
        if (e.start >= last.start_ms && e.start <= lastEnd + pulsetime * 1000) {
          const duration = Math.max(last.duration, (e.start + e.duration * 1000 - last.start_ms) / 1000);
          if (duration > last.duration) extend.run(duration, last.client_id);
          return { start: last.start_ms, duration };
        }
      }
      store(bucket, e, digest);
      return { start: e.start, duration: e.duration };
    },
  );

  const bucketTypeOf = (id: string): string | null =>
    db.query<{ type: string }, [string]>("select type from buckets where id = ?").get(id)?.type ?? null;

  const json = (body: unknown, status = 200): Response => Response.json(body, { status });

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const path = url.pathname;
    if (req.method === "GET" && path === "/api/0/info")
      return json({
        hostname: "desktrust-relay",
        version: "v0.13.2 (desktrust-relay)",
        testing: false,
        device_id: "relay",
      });
    if (req.method === "GET" && (path === "/api/0/buckets/" || path === "/api/0/buckets")) {
      const list = db
        .query<{ id: string; type: string; client: string; created: string }, []>("select * from buckets")
        .all();
      return json(Object.fromEntries(list.map((b) => [b.id, { ...b, name: b.id, hostname: "" }])));
    }
    const m = /^\/api\/0\/buckets\/([^/]+)(\/heartbeat|\/events)?\/?$/.exec(path);
    if (!m) return json({ message: "Not found" }, 404);
    const id = decodeURIComponent(m[1] ?? "");
    const sub = m[2];
    let body: unknown = null;
    if (req.method === "POST") {
      try {
        body = await req.json();
      } catch {
        return json({ message: "Invalid JSON" }, 400);
      }
    }
    if (!sub && req.method === "GET") {
      const type = bucketTypeOf(id);
      return type ? json({ id, name: id, type }) : json({ message: "No such bucket" }, 404);
    }
    if (!sub && req.method === "POST") {
      if (bucketTypeOf(id)) return new Response(null, { status: 304 });
      const b = (body ?? {}) as { type?: unknown; client?: unknown };
      if (typeof b.type !== "string") return json({ message: "type is required" }, 400);
      db.run("insert into buckets (id, type, client, created) values (?, ?, ?, ?)", [
        id,
        b.type,
        typeof b.client === "string" ? b.client : "unknown",
        new Date(now()).toISOString(),
      ]);
      return json({});
    }
    const type = bucketTypeOf(id);
    if (!type) return json({ message: "No such bucket" }, 404);
    if (sub === "/heartbeat" && req.method === "POST") {
      // Like aw-server: pulsetime is required.
      const raw = url.searchParams.get("pulsetime");
      const pulsetime = Number(raw);
      const e = clean(body, type);
      if (e === "invalid" || raw === null || raw === "" || !Number.isFinite(pulsetime) || pulsetime < 0)
        return json({ message: "Invalid heartbeat: timestamp, duration and ?pulsetime= are required" }, 400);
      if (!e) return json({ data: {} });
      const digest = dataDigest((body as { data?: unknown }).data ?? {}, options.token);
      const merged = beat(id, e, digest, pulsetime);
      return json({
        timestamp: new Date(merged.start).toISOString(),
        duration: merged.duration,
        data: e.app === null ? { status: e.afk ? "afk" : "not-afk" } : {},
      });
    }
    if (sub === "/events" && req.method === "POST") {
      const list = Array.isArray(body) ? body : [body];
      const cleaned = list.map((raw) => clean(raw, type));
      if (cleaned.includes("invalid")) return json({ message: "Invalid event" }, 400);
      db.transaction(() => {
        for (const e of cleaned) if (e && e !== "invalid") store(id, e);
      })();
      return json([]);
    }
    return json({ message: "Not supported by the relay" }, 405);
  }

  const pendingQuery = db.query<
    {
      client_id: string;
      start_ms: number;
      duration: number;
      app: string | null;
      category: string | null;
      afk: number;
      version: number;
    },
    [number]
  >(
    "select client_id, start_ms, duration, app, afk, version from events where sent_version <> version order by start_ms limit ?",
  );
  const markSent = db.query("update events set sent_version = ? where client_id = ? and version = ?");
  let flushing: Promise<number> | null = null;

  async function flushOnce(): Promise<number> {
    const dropped = db.run("delete from events where sent_version <> version and start_ms < ?", [
      now() - MAX_QUEUE_AGE_MS,
    ]);
    if (dropped.changes) console.warn(`relay: dropped ${dropped.changes} events older than the server accepts`);
    // Sent events are kept a while: a heartbeat may still extend the last one of a bucket.
    db.run("delete from events where sent_version = version and start_ms < ?", [now() - 3 * 3_600_000]);
    if (options.awServerUrl) await pullFromAwServer(options.awServerUrl);
    if (!rulesLoaded) await refreshRules();
    if (!rulesLoaded) {
      remember("last_error", "the organization's category rules are not known yet: events stay queued");
      return 0;
    }
    let accepted = 0;
    for (;;) {
      const rows = pendingQuery.all(BATCH);
      if (!rows.length) return accepted;
      // Categorized when sent, so events queued before the rules arrived get them too. Only
      // the category leaves this machine, never the app name (no rule matches: "Other").
      const payload = rows.map((r) => ({
        id: r.client_id,
        start: new Date(r.start_ms).toISOString(),
        duration: r.duration,
        ...(r.app === null ? {} : { category: categorize(r.app) }),
        afk: Boolean(r.afk),
      }));
      let res: Response;
      try {
        res = await fetch(`${server}/api/activity/events`, {
          method: "POST",
          headers,
          body: JSON.stringify({ events: payload }),
        });
      } catch (error) {
        remember("last_error", `server unreachable: ${String(error)}`);
        return accepted; // unreachable: keep everything queued
      }
      if (res.status >= 500 || res.status === 401 || res.status === 403) {
        remember("last_error", `server answered ${res.status}`);
        return accepted;
      }
      if (!res.ok) {
        // One bad event fails the batch: drop the event the server named, keep the rest.
        const index = /events\[(\d+)\]/.exec(JSON.stringify(await res.json().catch(() => ({}))))?.[1];
        const bad = index === undefined ? rows[0] : rows[Number(index)];
        if (bad) db.run("delete from events where client_id = ?", [bad.client_id]);
        continue;
      }
      await res.arrayBuffer();
      db.transaction(() => {
        for (const r of rows) markSent.run(r.version, r.client_id, r.version);
      })();
      accepted += rows.length;
      remember("last_forwarded_at", new Date(now()).toISOString());
    }
  }

  const upsertPulled = db.query(
    `insert into events (client_id, bucket, start_ms, duration, app, afk) values (?, ?, ?, ?, ?, ?)
     on conflict (client_id) do update set duration = excluded.duration, version = version + 1
     where excluded.duration > events.duration`,
  );

  /**
   * Beside-aw-server mode: reads the window and AFK buckets of the local aw-server, whose events
   * are already merged on the full data, keeps only app and status, and queues them under
   * their aw-server ids (the last event of a bucket grows; its growth is sent again). Reading
   * restarts at the newest event's start, so that growth is seen.
   */
  async function pullFromAwServer(base: string): Promise<void> {
    const root = base.replace(/\/$/, "");
    let list: Record<string, { type?: string }>;
    try {
      list = (await (await fetch(`${root}/api/0/buckets/`)).json()) as Record<string, { type?: string }>;
    } catch (error) {
      remember("last_error", `aw-server unreachable: ${String(error)}`);
      return;
    }
    for (const [bucket, meta] of Object.entries(list)) {
      const type = meta.type ?? "";
      if (type !== "currentwindow" && type !== "afkstatus") continue;
      const key = `pulled:${bucket}`;
      const since = Number(
        db.query<{ value: string }, [string]>("select value from state where key = ?").get(key)?.value ?? 0,
      );
      const start = new Date(Math.max(since, now() - MAX_QUEUE_AGE_MS)).toISOString();
      let pulled: { id?: number; timestamp?: string }[];
      try {
        const res = await fetch(`${root}/api/0/buckets/${encodeURIComponent(bucket)}/events?start=${start}&limit=-1`);
        pulled = (await res.json()) as { id?: number; timestamp?: string }[];
      } catch (error) {
        remember("last_error", `aw-server unreachable: ${String(error)}`);
        return;
      }
      let newest = since;
      db.transaction(() => {
        for (const raw of pulled) {
          const e = clean(raw, type);
          if (!e || e === "invalid" || raw.id === undefined) continue;
          upsertPulled.run(`aw:${bucket}:${raw.id}`, bucket, e.start, e.duration, e.app, e.afk ? 1 : 0);
          newest = Math.max(newest, e.start);
        }
        remember(key, String(newest));
      })();
    }
  }

  const flush = (): Promise<number> => {
    flushing ??= flushOnce().finally(() => {
      flushing = null;
    });
    return flushing;
  };

  const http = options.awServerUrl
    ? null
    : Bun.serve({ hostname: "127.0.0.1", port: options.port ?? 5600, fetch: handle });
  const timer = setInterval(() => void flush(), options.flushEveryMs ?? 10_000);
  const rulesTimer = setInterval(() => void refreshRules(), 10 * 60_000);
  void refreshRules();

  return {
    port: http?.port ?? 0,
    flush,
    pending: () =>
      db.query<{ n: number }, []>("select count(*) as n from events where sent_version <> version").get()?.n ?? 0,
    async stop() {
      clearInterval(timer);
      clearInterval(rulesTimer);
      await flushing;
      await http?.stop(true);
      db.close();
    },
  };
}

function option(name: string, env: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : process.env[env];
}

const defaultQueue = (): string => `${process.env.HOME ?? process.env.USERPROFILE ?? "."}/.desktrust-relay.sqlite`;

/**
 * `relay status`: what a supervisor or a person checks. Prints the mode, events waiting, the
 * last successful forward and the last error; exits 1 when events have waited over an hour.
 */
export function relayStatus(queuePath: string, nowMs = Date.now()): { text: string; healthy: boolean } {
  const db = new Database(queuePath, { readonly: true });
  try {
    const state = new Map(
      db
        .query<{ key: string; value: string }, []>("select key, value from state")
        .all()
        .map((r) => [r.key, r.value]),
    );
    const pending = db
      .query<{ n: number; oldest: number | null }, []>(
        "select count(*) as n, min(start_ms) as oldest from events where sent_version <> version",
      )
      .get() ?? { n: 0, oldest: null };
    const healthy = !pending.oldest || nowMs - pending.oldest < 3_600_000;
    const text = [
      `mode: ${state.get("mode") ?? "unknown"}`,
      `waiting: ${pending.n} events${pending.oldest ? ` (oldest from ${new Date(pending.oldest).toISOString()})` : ""}`,
      `last forwarded: ${state.get("last_forwarded_at") ?? "never"}`,
      `last error: ${state.get("last_error") ?? "none"}`,
      `health: ${healthy ? "ok" : "events have waited more than an hour"}`,
    ].join("\n");
    return { text, healthy };
  } finally {
    db.close();
  }
}

if (import.meta.main) {
  const queuePath = option("queue", "DESKTRUST_RELAY_QUEUE") ?? defaultQueue();
  if (process.argv[2] === "status") {
    try {
      const status = relayStatus(queuePath);
      console.log(status.text);
      process.exit(status.healthy ? 0 : 1);
    } catch (error) {
      console.error(`no relay queue at ${queuePath}: ${String(error)}`);
      process.exit(2);
    }
  }
  const serverUrl = option("server", "DESKTRUST_URL");
  const token = option("token", "DESKTRUST_DEVICE_TOKEN");
  if (!serverUrl || !token) {
    console.error(
      "usage: bun relay.ts --server https://desk.example.com --token dta_… [--port 5600 | --aw-server http://127.0.0.1:5600] [--queue FILE]\n       bun relay.ts status [--queue FILE]",
    );
    process.exit(2);
  }
  const awServerUrl = option("aw-server", "DESKTRUST_AW_SERVER");
  const relay = startRelay({
    serverUrl,
    token,
    port: Number(option("port", "DESKTRUST_RELAY_PORT") ?? 5600),
    queuePath,
    ...(awServerUrl ? { awServerUrl } : {}),
  });
  console.log(
    awServerUrl
      ? `desktrust relay reading ${awServerUrl}, forwarding categories to ${serverUrl}`
      : `desktrust relay listening on 127.0.0.1:${relay.port}, forwarding categories to ${serverUrl}`,
  );
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => void relay.stop().then(() => process.exit(0)));
  }
}
