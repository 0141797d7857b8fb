import { AsyncLocalStorage } from "node:async_hooks";
import { sql } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { Clock } from "../clock.ts";
import { type Database, type Notifier, openNotifier } from "../db/index.ts";
import { rowsOf } from "../db/rows.ts";
import { changesData, type StatementObserver } from "../db/statements.ts";
import type { Logger } from "../log.ts";
import type { AppEnv } from "./env.ts";
import { FLASH_COOKIE } from "./flash.ts";

/**
 * Rendered pages, kept per session until something they read changes.
 *
 * A page is stored with the tables its statements named while it was rendered; a statement
 * that changes a table (seen by the database layer once the change is visible: a statement when
 * it finishes, a transaction when it commits) drops every page that read it, on this instance at
 * once and on every other instance through `LISTEN/NOTIFY`. Tables whose rows the app also keeps
 * in memory (the organization, plugin state, people, teams and memberships) drop every page.
 *
 * Only GET pages declared with `keepRendered` (the main reading pages: read often, changed
 * rarely, their content all from the database and the viewer), for a signed-in browser session,
 * are kept; the key holds the session, the URL, the htmx headers, the unread count shown in the
 * header and the minute (pages say "3 minutes ago"). Nothing is kept from a request that wrote,
 * set a cookie, carried a flash message or did not answer 200 with HTML.
 */
export interface PageCacheOptions {
  database: Database;
  notifier: Notifier;
  clock: Clock;
  logger: Logger;
  /** Memory for stored pages; 0 turns the cache off. */
  maxBytes: number;
}

/** Core tables also held in memory (org state, plugin runtime, membership cache, the viewer). */
const EVERY_PAGE = new Set([
  "public.organization",
  "public.plugin_state",
  "public.people",
  "public.teams",
  "public.team_members",
]);

/**
 * The longest a page is kept. Changes made past this app (psql, another program on the same
 * Postgres) are not seen as they happen; this bounds how long a page can miss them.
 */
const MAX_AGE_MS = 30_000;

const CHANNEL = "desktrust_pages";
const EVERYTHING = "*";

interface Entry {
  /** Encoded once: a hit sends the bytes as they are. */
  body: Uint8Array<ArrayBuffer>;
  /** The body gzipped once, for clients that accept it (every browser); none for small pages. */
  gzip: Uint8Array<ArrayBuffer> | undefined;
  headers: [string, string][];
  gzipHeaders: [string, string][];
  tables: string[];
  /** The change counter when rendering began: any change after it makes the page stale. */
  at: number;
  /** Wall-clock time it was stored (performance.now()). */
  storedAt: number;
  bytes: number;
}

interface Reading {
  tables: Set<string>;
  wrote: boolean;
}

const reading = new AsyncLocalStorage<Reading>();

export class PageCache {
  readonly #options: PageCacheOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #rendering = new Map<string, Promise<unknown>>();
  #bytes = 0;
  /** Counts changes; `#changedAt` holds when each table last changed. */
  #counter = 0;
  readonly #changedAt = new Map<string, number>();
  #flushedAt = 0;
  /** Every table name as `schema.table`; undefined while (re)loading. */
  #tables: Set<string> | undefined;
  #loadToken: symbol | undefined;
  readonly #tablesOfText = new Map<string, string[]>();
  #outgoing: Set<string> | undefined;
  #unsubscribe: (() => void) | undefined;
  hits = 0;
  misses = 0;

  constructor(options: PageCacheOptions) {
    this.#options = options;
  }

  get enabled(): boolean {
    return this.#options.maxBytes > 0;
  }

  async start(): Promise<void> {
    if (!this.enabled) return;
    const observer: StatementObserver = {
      sent: (text) => this.#sent(text),
      changed: (texts) => this.#changed(texts),
    };
    this.#unsubscribe = this.#options.database.statements.subscribe(observer);
    await this.#options.notifier.listen(
      CHANNEL,
      (payload) => this.#apply(payload === EVERYTHING ? undefined : payload.split(",")),
      // Messages sent while not listening were missed.
      () => this.#apply(undefined),
    );
    // Not awaited: a start does not wait for it; pages are kept once the names are known.
    void this.#loadTables();
  }

  /** Stops watching; changes not yet announced to other instances are sent first. */
  async close(): Promise<void> {
    this.#unsubscribe?.();
    this.#entries.clear();
    this.#bytes = 0;
    await this.#sendAnnouncement();
  }

  /** Drops every stored page (here only). */
  clear(): void {
    this.#flushedAt = ++this.#counter;
    this.#entries.clear();
    this.#bytes = 0;
  }

  get size(): number {
    return this.#entries.size;
  }

  middleware(): MiddlewareHandler<AppEnv> {
    return async (c, next) => {
      if (!this.enabled || c.req.method !== "GET" || !c.get("app").routes.keepsRendered(c.req.path)) return next();
      const sessionId = c.get("sessionId");
      if (!sessionId || c.get("viaToken") || getCookie(c, FLASH_COOKIE) !== undefined) return next();
      const minute = Math.floor(this.#options.clock.now().getTime() / 60_000);
      const key = [
        sessionId,
        c.get("unread") ?? "",
        minute,
        c.req.header("HX-Request") ?? "",
        c.req.header("HX-Boosted") ?? "",
        c.req.header("HX-Target") ?? "",
        c.req.url,
      ].join("\n");
      let entry = this.#fresh(key);
      if (!entry) {
        // Concurrent requests for the same page wait for one rendering rather than each render it.
        const other = this.#rendering.get(key);
        if (other) {
          await other.catch(() => {});
          entry = this.#fresh(key);
        }
      }
      if (entry) {
        this.hits++;
        // Most recently used last: the oldest are dropped first.
        this.#entries.delete(key);
        this.#entries.set(key, entry);
        return entry.gzip && acceptsGzip(c.req.header("Accept-Encoding"))
          ? new Response(entry.gzip, { status: 200, headers: entry.gzipHeaders })
          : new Response(entry.body, { status: 200, headers: entry.headers });
      }
      this.misses++;
      const at = this.#counter;
      const seen: Reading = { tables: new Set(), wrote: false };
      const rendered = reading.run(seen, () => next());
      this.#rendering.set(key, rendered);
      try {
        await rendered;
        if (c.res.status === 200) {
          // Later views of this page may come gzipped: say so on the first one too.
          try {
            c.res.headers.append("Vary", "Accept-Encoding");
          } catch {
            // Immutable headers: such a response is not kept either (see #keep).
            return;
          }
          await this.#keep(key, at, seen, c.res);
        }
      } finally {
        this.#rendering.delete(key);
      }
    };
  }

  #fresh(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (
      entry.at >= this.#flushedAt &&
      performance.now() - entry.storedAt < MAX_AGE_MS &&
      entry.tables.every((t) => (this.#changedAt.get(t) ?? 0) <= entry.at)
    )
      return entry;
    this.#drop(key, entry);
    return undefined;
  }

  async #keep(key: string, at: number, seen: Reading, res: Response): Promise<void> {
    if (seen.wrote || this.#tables === undefined || res.status !== 200 || res.headers.has("Set-Cookie")) return;
    if (!res.headers.get("Content-Type")?.startsWith("text/html")) return;
    // Changed (or flushed) while rendering: what was read may already be stale.
    if (at < this.#flushedAt || [...seen.tables].some((t) => (this.#changedAt.get(t) ?? 0) > at)) return;
    const body = new Uint8Array(await res.clone().arrayBuffer());
    const gzip = body.byteLength >= GZIP_FROM_BYTES ? Bun.gzipSync(body) : undefined;
    const headers: [string, string][] = [...res.headers.entries()].filter(
      ([name]) => !/^(content-length|content-encoding)$/i.test(name),
    );
    const gzipHeaders: [string, string][] = [...headers, ["Content-Encoding", "gzip"]];
    const bytes = body.byteLength + (gzip?.byteLength ?? 0) + key.length * 2 + 400;
    if (bytes > this.#options.maxBytes / 8) return;
    const previous = this.#entries.get(key);
    if (previous) this.#drop(key, previous);
    this.#entries.set(key, {
      body,
      gzip,
      headers,
      gzipHeaders,
      tables: [...seen.tables],
      at,
      storedAt: performance.now(),
      bytes,
    });
    this.#bytes += bytes;
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes <= this.#options.maxBytes) break;
      this.#drop(oldest, entry);
    }
  }

  #drop(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }

  #sent(text: string): void {
    const seen = reading.getStore();
    if (!seen) return;
    if (changesData(text)) seen.wrote = true;
    for (const table of this.#tablesOf(text)) seen.tables.add(table);
  }

  /** A change seen here: apply it, and tell the other instances. */
  #changed(texts: readonly string[]): void {
    let tables: string[] | undefined = [];
    for (const text of texts) {
      // A schema change (a plugin's migrations) may add tables: reload their names.
      if (/^\s*(create|alter|drop)\b/i.test(text)) {
        tables = undefined;
        void this.#loadTables();
        break;
      }
      tables.push(...this.#tablesOf(text));
    }
    this.#apply(tables);
    this.#announce(tables);
  }

  /** Marks tables changed (`undefined`: everything). */
  #apply(tables: readonly string[] | undefined): void {
    if (tables === undefined || tables.some((t) => EVERY_PAGE.has(t))) {
      this.clear();
      return;
    }
    if (tables.length === 0) return;
    const now = ++this.#counter;
    for (const table of tables) this.#changedAt.set(table, now);
  }

  /** Sends this tick's changes to the other instances in one message. */
  #announce(tables: readonly string[] | undefined): void {
    const first = this.#outgoing === undefined;
    this.#outgoing ??= new Set();
    for (const table of tables ?? [EVERYTHING]) this.#outgoing.add(table);
    if (!first) return;
    setTimeout(() => void this.#sendAnnouncement(), 0);
  }

  async #sendAnnouncement(): Promise<void> {
    const outgoing = this.#outgoing;
    this.#outgoing = undefined;
    if (!outgoing || outgoing.size === 0) return;
    const payload = outgoing.has(EVERYTHING) ? EVERYTHING : [...outgoing].join(",");
    try {
      // NOTIFY payloads stop at 8,000 bytes.
      await this.#options.notifier.notify(CHANNEL, payload.length > 7_000 ? EVERYTHING : payload);
    } catch (error) {
      this.#options.logger.warn("could not tell other instances which pages changed", { error });
    }
  }

  /** The tables a statement names, as `schema.table`. */
  #tablesOf(text: string): string[] {
    const known = this.#tables;
    if (!known) return [];
    let tables = this.#tablesOfText.get(text);
    if (tables) return tables;
    const found = new Set<string>();
    for (const match of text.matchAll(NAME)) {
      const first = (match[1] ?? match[2] ?? "").toLowerCase();
      const second = (match[3] ?? match[4])?.toLowerCase();
      if (second !== undefined && known.has(`${first}.${second}`)) found.add(`${first}.${second}`);
      else if (known.has(`public.${first}`)) found.add(`public.${first}`);
    }
    tables = [...found];
    // Remembered for the statements the app sends again and again, not for one-off long ones
    // (a bulk insert's text can be tens of KB).
    if (text.length <= 8_192) {
      if (this.#tablesOfText.size >= 5_000) this.#tablesOfText.clear();
      this.#tablesOfText.set(text, tables);
    }
    return tables;
  }

  #loadTables(): Promise<void> {
    // Until the names are known nothing is stored (a page's tables could not be told).
    this.#tables = undefined;
    this.#tablesOfText.clear();
    this.clear();
    const token = Symbol("load");
    this.#loadToken = token;
    const loading = (async () => {
      const rows = rowsOf<{ name: string }>(
        await this.#options.database.db.execute(
          // The catalog itself, not information_schema's views over it: a tenth of the work.
          sql`select n.nspname || '.' || c.relname as name from pg_class c
              join pg_namespace n on n.oid = c.relnamespace
              where c.relkind in ('r', 'p', 'v', 'm', 'f')
                and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\_%'`,
        ),
      );
      if (this.#loadToken !== token) return;
      this.#tables = new Set(rows.map((r) => r.name));
      // Pages rendered while the names were unknown may lack some of their tables.
      this.clear();
    })();
    return loading.catch((error: unknown) => {
      this.#options.logger.warn("could not read the table names; pages are not cached", { error });
    });
  }
}

/**
 * Tells every running instance to drop its pages: for commands that change the database
 * without booting the app (a restore). On the embedded database no server can be running.
 */
export async function pagesChangedElsewhere(database: Database, url: string | undefined): Promise<void> {
  if (database.driver !== "postgres" || !url) return;
  const notifier = openNotifier(database, url);
  try {
    await notifier.notify(CHANNEL, EVERYTHING);
  } finally {
    await notifier.close();
  }
}

/**
 * Kept pages this large or larger are also kept gzipped: a hit then sends a few KB instead of
 * tens (and a response that fits the server's 16 KB write buffer goes out in one write).
 */
const GZIP_FROM_BYTES = 2_048;

/** Whether an `Accept-Encoding` header takes gzip (and does not refuse it with q=0). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  for (const part of header.split(",")) {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    if (coding !== "gzip" && coding !== "*") continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}

/** A name, maybe qualified: `"schema"."table"`, `schema.table`, `table`. */
const NAME = /(?:"([^"]+)"|([A-Za-z_][A-Za-z0-9_$]*))(?:\s*\.\s*(?:"([^"]+)"|([A-Za-z_][A-Za-z0-9_$]*)))?/g;
