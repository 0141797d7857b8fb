import { and, eq, isNotNull, isNull, lte, or } from "drizzle-orm";
import type { PluginServices } from "../../server/plugin-api.ts";
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

export type FeedFetch = { ok: true; text: string } | { ok: false; reason: string };

/**
 * Fetches a feed with a timeout, a size limit and at most three redirects (followed by hand, so
 * each hop is checked to be http or https again).
 */
export async function fetchFeed(raw: string, limits: { timeoutMs: number; maxBytes: number }): Promise<FeedFetch> {
  let check = checkFeedUrl(raw);
  const deadline = AbortSignal.timeout(limits.timeoutMs);
  try {
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      if (!check.ok) return check;
      const res = await fetch(check.url, {
        redirect: "manual",
        signal: deadline,
        headers: { Accept: "text/calendar, text/plain;q=0.5" },
      });
      if (res.status >= 300 && res.status < 400) {
        const location = res.headers.get("location");
        await res.body?.cancel();
        if (!location) return { ok: false, reason: `The server answered ${res.status} without a Location.` };
        check = checkFeedUrl(new URL(location, check.url).toString());
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel();
        return { ok: false, reason: `The server answered ${res.status} ${res.statusText}.`.trim() };
      }
      const declared = Number(res.headers.get("content-length") ?? "0");
      if (declared > limits.maxBytes) {
        await res.body?.cancel();
        return { ok: false, reason: `The feed is larger than ${Math.round(limits.maxBytes / 1_048_576)} MB.` };
      }
      const reader = res.body?.getReader();
      if (!reader) return { ok: true, text: "" };
      const chunks: Uint8Array[] = [];
      let size = 0;
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        size += r.value.byteLength;
        if (size > limits.maxBytes) {
          await reader.cancel();
          return { ok: false, reason: `The feed is larger than ${Math.round(limits.maxBytes / 1_048_576)} MB.` };
        }
        chunks.push(r.value);
      }
      return { ok: true, text: new TextDecoder().decode(Buffer.concat(chunks)) };
    }
    return { ok: false, reason: `More than ${MAX_REDIRECTS} redirects.` };
  } catch (error) {
    const e = error as Error;
    if (e.name === "TimeoutError" || e.name === "AbortError") {
      return { ok: false, reason: `No answer within ${Math.round(limits.timeoutMs / 1000)} s.` };
    }
    return { ok: false, reason: `Could not connect: ${e.message}` };
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
    const result = url
      ? await fetchFeed(url, {
          timeoutMs: settings.feedTimeoutSeconds * 1000,
          maxBytes: settings.feedMaxMegabytes * 1_048_576,
        })
      : ({ ok: false, reason: "The stored feed URL could not be decrypted; enter it again." } as const);
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
