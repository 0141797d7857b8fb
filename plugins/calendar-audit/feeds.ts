import { and, eq, isNotNull, isNull, lte, or } from "drizzle-orm";
import type { PluginServices } from "../../server/plugin-api.ts";
import { allowedFeedHosts, feedTarget, pinnedUrl } from "./feed-address.ts";
import { startImport } from "./importer.ts";
import { calendarSources } from "./schema.ts";
import type { CalendarAuditSettings } from "./settings.ts";

type Services = PluginServices<CalendarAuditSettings>;

const MAX_REDIRECTS = 3;
const REFRESH_MS = 6 * 3_600_000;

export type FeedUrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/** Accepts http(s) URLs only; webcal:// (what calendars hand out) is read as https. */
export function checkFeedUrl(raw: string): FeedUrlCheck {
  const text = raw.trim().replace(/^webcals?:\/\//i, "https://");
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: "That is not a URL." };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { ok: false, reason: `Only http and https feed URLs are fetched, not ${url.protocol.replace(":", "")}.` };
  }
  if (url.username || url.password) return { ok: false, reason: "Put no user name or password in the URL." };
  return { ok: true, url };
}

/** The host and a hint of the path: enough to recognise a feed, too little to use it. */
export function maskFeedUrl(url: URL): string {
  const path = url.pathname.length > 8 ? `${url.pathname.slice(0, 4)}…${url.pathname.slice(-4)}` : "/…";
  return `${url.protocol}//${url.host}${path}`;
}

export type FeedFetch = { ok: true; text: string } | { ok: false; reason: string; detail: string };

/**
 * What a person is told when a fetch fails, whatever the cause: a refused address, a closed
 * port, a timeout, an HTTP error. One neutral sentence, so the "last error" of a feed cannot be
 * used to map the network behind the server; the cause goes to the server log.
 */
export const FEED_UNREACHABLE =
  "The feed could not be fetched. Check the address; a calendar server inside your network must be allowed by an admin in the plugin settings.";

export interface FeedLimits {
  timeoutMs: number;
  maxBytes: number;
  /** Host names or addresses an admin allowed although they are internal. */
  allowedHosts: ReadonlySet<string>;
  /** Resolves a host name to its addresses (DNS by default; tests pass their own). */
  resolve?: (host: string) => Promise<string[]>;
}

function unreachable(detail: string): FeedFetch {
  return { ok: false, reason: FEED_UNREACHABLE, detail };
}

/**
 * Fetches a feed with a timeout, a size limit and at most three redirects. Each hop — the first
 * URL and every redirect, followed by hand — is checked: http or https only, its host resolved
 * once and refused when internal (see `feed-address.ts`), and the connection made to that very
 * address with the original `Host` header and TLS server name, so DNS cannot answer
 * differently between the check and the connection.
 */
export async function fetchFeed(raw: string, limits: FeedLimits): Promise<FeedFetch> {
  let check = checkFeedUrl(raw);
  const deadline = AbortSignal.timeout(limits.timeoutMs);
  try {
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      if (!check.ok) return unreachable(check.reason);
      const url = check.url;
      const target = await feedTarget(url, limits.allowedHosts, limits.resolve);
      if (!target.ok) return unreachable(target.detail);
      const res = await fetch(pinnedUrl(url, target), {
        redirect: "manual",
        signal: deadline,
        headers: { Accept: "text/calendar, text/plain;q=0.5", Host: url.host },
        ...(url.protocol === "https:" ? { tls: { serverName: url.hostname } } : {}),
      });
      if (res.status >= 300 && res.status < 400) {
        const location = res.headers.get("location");
        await res.body?.cancel();
        if (!location) return unreachable(`${res.status} without a Location`);
        check = checkFeedUrl(new URL(location, url).toString());
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel();
        return unreachable(`HTTP ${res.status}`);
      }
      const tooLarge = `The feed is larger than ${Math.round(limits.maxBytes / 1_048_576)} MB.`;
      const declared = Number(res.headers.get("content-length") ?? "0");
      if (declared > limits.maxBytes) {
        await res.body?.cancel();
        return { ok: false, reason: tooLarge, detail: `Content-Length ${declared}` };
      }
      const reader = res.body?.getReader();
      if (!reader) return { ok: true, text: "" };
      const chunks: Uint8Array[] = [];
      let size = 0;
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        size += r.value.byteLength;
        if (size > limits.maxBytes) {
          await reader.cancel();
          return { ok: false, reason: tooLarge, detail: `more than ${limits.maxBytes} bytes` };
        }
        chunks.push(r.value);
      }
      const text = new TextDecoder().decode(Buffer.concat(chunks));
      // Postgres text holds no NUL; a feed with one is not a calendar.
      if (text.includes("\u0000"))
        return { ok: false, reason: "The feed is not an iCalendar file.", detail: "NUL byte" };
      return { ok: true, text };
    }
    return unreachable(`more than ${MAX_REDIRECTS} redirects`);
  } catch (error) {
    const e = error as Error;
    return unreachable(`${e.name}: ${e.message}`);
  }
}

/** Backoff after consecutive failures: 5 min, 10, 20 … capped at one day. */
export function retryDelayMs(failures: number): number {
  return Math.min(86_400_000, 5 * 60_000 * 2 ** Math.max(0, failures - 1));
}

/** Refreshes every feed that is due (the job); failures are recorded with their reason and retried later. */
export async function refreshDueFeeds(s: Services): Promise<string> {
  const now = s.clock.now();
  const due = await s.db
    .select()
    .from(calendarSources)
    .where(
      and(
        eq(calendarSources.kind, "feed"),
        isNotNull(calendarSources.feedUrlSealed),
        or(isNull(calendarSources.nextFetchAt), lte(calendarSources.nextFetchAt, now)),
      ),
    )
    .limit(50);
  const settings = await s.settings();
  let ok = 0;
  let failed = 0;
  for (const source of due) {
    const url = await s.unseal(source.feedUrlSealed ?? "");
    const result: FeedFetch = url
      ? await fetchFeed(url, {
          timeoutMs: settings.feedTimeoutSeconds * 1000,
          maxBytes: settings.feedMaxMegabytes * 1_048_576,
          allowedHosts: allowedFeedHosts(settings.feedAllowedHosts),
        })
      : { ok: false, reason: "The stored feed URL could not be decrypted; enter it again.", detail: "unseal failed" };
    if (!result.ok) s.logger.info("feed fetch failed", { sourceId: source.id, detail: result.detail });
    if (result.ok) {
      const run = await startImport(s, {
        sourceId: source.id,
        fileName: source.name,
        text: result.text,
        createdBy: null,
      });
      const good = run.status === "done" || run.status === "queued";
      await s.db
        .update(calendarSources)
        .set({
          status: good ? "ok" : "failed",
          lastError: good ? null : run.message,
          failures: good ? 0 : source.failures + 1,
          lastFetchedAt: now,
          nextFetchAt: new Date(now.getTime() + (good ? REFRESH_MS : retryDelayMs(source.failures + 1))),
        })
        .where(eq(calendarSources.id, source.id));
      if (good) ok++;
      else failed++;
    } else {
      failed++;
      await s.db
        .update(calendarSources)
        .set({
          status: "failed",
          lastError: result.reason,
          failures: source.failures + 1,
          nextFetchAt: new Date(now.getTime() + retryDelayMs(source.failures + 1)),
        })
        .where(eq(calendarSources.id, source.id));
    }
  }
  return `refreshed ${ok}, failed ${failed}`;
}
