import { afterAll, describe, expect, it } from "bun:test";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { rowsOf } from "../db/rows.ts";
import type { RouteRule } from "../http/access.ts";
import { teams } from "../people/schema.ts";
import { concretePath, hasParams, isMutating } from "../testing/routes.ts";
import { changedTables, snapshotTables } from "../testing/snapshot.ts";
import { testApp } from "../testing/test-app.ts";

// Property-based fuzzing of every state-changing route and every JSON API, walked from the
// route registry (a route added later is fuzzed with no extra work). The owner, who may call
// them all, sends generated hostile values — NUL bytes, lone surrogates, right-to-left
// overrides, 1 MB strings, wrong types, huge numbers, deep nesting, duplicate JSON keys — as
// JSON, urlencoded and multipart bodies, query strings and route parameters. Properties: never
// a 5xx, and a refused request (4xx) writes nothing.

const RUNS_PER_ROUTE = 3;

const t = await testApp({ plugins: "*" });
afterAll(() => t.close());
const owner = await t.person({ role: "owner" });

const [team] = await t.ctx.db.insert(teams).values({ name: "Fuzz team", timeZone: "UTC" }).returning();
const colleague = await t.person();

// A plausible value per field, so a case can be a well-formed form with one hostile field —
// the kind of request that reaches the database — and not only garbage refused at the door.
const plausible: Record<string, unknown> = {
  email: "fuzz.case@example.com",
  timeZone: "UTC",
  team: (team as { id: string }).id,
  teamId: (team as { id: string }).id,
  toId: colleague.id,
  personId: colleague.id,
  role: "member",
  startsAt: "2026-03-10T09:00",
  endsAt: "2026-03-10T10:00",
  scopes: "read",
  link: "https://example.com/pulls/1",
  // A feed URL is fetched at once: loopback is refused before any connection.
  url: "http://127.0.0.1:9/fuzz.ics",
  decidedOn: "2026-03-02",
  next: "/",
};

const targets = t.ctx.routes.rules.filter(
  (rule) => isMutating(rule.method) || (rule.method === "GET" && rule.path.startsWith("/api/")),
);

// The names forms and APIs use; a generated body mixes them with arbitrary ones.
const fieldNames = [
  "name",
  "email",
  "password",
  "title",
  "body",
  "message",
  "note",
  "q",
  "team",
  "teamId",
  "toId",
  "personId",
  "role",
  "timeZone",
  "startsAt",
  "endsAt",
  "events",
  "app",
  "addressees",
  "externalId",
  "link",
  "url",
  "scopes",
  "synthesis",
  "evidence",
  "rationale",
  "decidedBy",
  "decidedOn",
  "next",
];

const hostileText = fc.oneof(
  fc.constantFrom(
    "\u0000",
    "a\u0000b",
    "\ud800",
    "x\udfffy",
    "\u202eevil.exe\u202c",
    "\u200f\u061c\u2066",
    "🧨".repeat(5),
    "' or '1'='1' --",
    "<img src=x onerror=alert(1)>",
    "../../../etc/passwd",
    "%00%ff%ed%a0%80",
    "\r\nX-Injected: 1",
    "    ",
    "",
  ),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constant("x".repeat(1_048_576)),
);

const hugeNumber = fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308, 2 ** 63, -0, 0.1 + 0.2);

const { value: hostileValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    hostileText,
    hostileText,
    fc.integer(),
    hugeNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...fieldNames), tie("value"), { maxKeys: 3 }),
  ),
}));

const overrides = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...fieldNames), hostileText), hostileValue), {
  minLength: 1,
  maxLength: 4,
});

/** Fields without a plausible value are free text: the ones a poisoned case spikes. */
const freeText = fieldNames.filter((name) => !(name in plausible));
const badCharacter = fc.constantFrom("\u0000", "\ud800", "\udfff");

/**
 * Three kinds of case: hostile fields alone; a plausible form with a few fields replaced by
 * hostile values; or a plausible form whose every free-text field carries a bad character —
 * the request most likely to reach the database.
 */
const fields = fc.oneof(
  { arbitrary: overrides, weight: 1 },
  {
    weight: 1,
    arbitrary: overrides.map((hostile): [string, unknown][] => {
      const body = new Map<string, unknown>(fieldNames.map((name) => [name, plausible[name] ?? "Plausible text"]));
      for (const [name, value] of hostile) body.set(name, value);
      return [...body];
    }),
  },
  {
    weight: 2,
    arbitrary: badCharacter.map((bad): [string, unknown][] =>
      fieldNames.map((name) => [name, freeText.includes(name) ? `Plausible${bad}text` : plausible[name]]),
    ),
  },
);

/** JSON written by hand so it can repeat a key and nest deeper than any parser should follow. */
function jsonText(entries: [string, unknown][], options: { duplicateKeys: boolean; deep: boolean }): string {
  const parts = entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? "null"}`);
  if (options.duplicateKeys && parts[0]) parts.push(parts[0].replace(/:.*/s, ':"duplicate"'));
  if (options.deep) parts.push(`"nested":${"[".repeat(5000)}${"]".repeat(5000)}`);
  return `{${parts.join(",")}}`;
}

const scalar = (v: unknown): string => (typeof v === "string" ? v : (JSON.stringify(v) ?? ""));

function urlencoded(entries: [string, unknown][]): string {
  const body = new URLSearchParams();
  for (const [k, v] of entries) for (const item of Array.isArray(v) ? v : [v]) body.append(k, scalar(item));
  return body.toString();
}

function multipart(entries: [string, unknown][]): FormData {
  const body = new FormData();
  for (const [k, v] of entries) body.append(k, scalar(v));
  body.append("files", new File([`BEGIN:VCALENDAR\r\nX:${scalar(entries[0]?.[1])}\r\n`], "fuzz.ics"));
  return body;
}

// Route parameters must survive encodeURIComponent (a lone surrogate cannot be put in a URL).
const routeParam = fc.oneof(
  fc.uuid(),
  fc.constantFrom("\u0000", "0", "-1", "99999999999999999999999", "' or 1=1", "\u202e", "x".repeat(300), "..", "%"),
);

const request = fc.record({
  fields,
  encoding: fc.constantFrom("json", "urlencoded", "multipart"),
  duplicateKeys: fc.boolean(),
  deep: fc.boolean(),
  param: routeParam,
});

type Case = typeof request extends fc.Arbitrary<infer T> ? T : never;

function send(client: Awaited<ReturnType<typeof t.signedIn>>, rule: RouteRule, c: Case): Promise<Response> {
  const path = concretePath(rule.path, () => c.param);
  if (rule.method === "GET") {
    return client.request(`${path}?${urlencoded(c.fields)}`, { method: "GET" });
  }
  const init: RequestInit = { method: rule.method };
  if (c.encoding === "json") {
    init.body = jsonText(c.fields, { duplicateKeys: c.duplicateKeys, deep: c.deep });
    init.headers = { "Content-Type": "application/json" };
  } else if (c.encoding === "urlencoded") {
    init.body = urlencoded(c.fields);
    init.headers = { "Content-Type": "application/x-www-form-urlencoded" };
  } else {
    init.body = multipart(c.fields);
  }
  return client.request(path, init);
}

/** Tables a refused request may still touch: attempt counters, the lazily created device-cookie secret, a logout. */
function mayChange(rule: RouteRule): Set<string> {
  const allowed = new Set(["public.login_throttle", "public.instance_secrets"]);
  if (/^\/logout/.test(rule.path)) for (const table of ["public.sessions", "public.audit_log"]) allowed.add(table);
  return allowed;
}

it("walks the registry (the properties below are not empty)", () => {
  expect(targets.map((rule) => `${rule.method} ${rule.path}`)).toEqual(
    expect.arrayContaining(["POST /login", "POST /kudos", "POST /api/activity/events", "GET /api/briefs/interviews"]),
  );
});

/**
 * The next transaction id: it moves only when something writes (or tries to), anywhere in the
 * cluster, so an unchanged value proves that a refused request wrote nothing without hashing
 * every table. When it moved, the case is replayed between two full table snapshots.
 */
async function nextTransactionId(): Promise<string> {
  const [row] = rowsOf<{ next: string }>(
    await t.ctx.db.execute(sql`select pg_snapshot_xmax(pg_current_snapshot())::text as next`),
  );
  return row?.next ?? "";
}

async function expectRefusalWritesNothing(rule: RouteRule, c: Case): Promise<void> {
  const client = await t.signedIn(owner);
  const before = await snapshotTables(t.ctx.db);
  const res = await send(client, rule, c);
  await res.arrayBuffer();
  if (res.status < 400) return;
  const allowed = mayChange(rule);
  const changed = changedTables(before, await snapshotTables(t.ctx.db)).filter((x) => !allowed.has(x));
  expect({ status: res.status, changed }).toEqual({ status: res.status, changed: [] });
}

describe("hostile input never causes a 5xx or a partial write", () => {
  for (const rule of targets) {
    it(`${rule.method} ${rule.path}`, async () => {
      await fc.assert(
        fc.asyncProperty(request, async (c) => {
          const client = await t.signedIn(owner);
          const before = await nextTransactionId();
          const res = await send(client, rule, c);
          await res.arrayBuffer();
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400 && (await nextTransactionId()) !== before) await expectRefusalWritesNothing(rule, c);
        }),
        { numRuns: hasParams(rule.path) || isMutating(rule.method) ? RUNS_PER_ROUTE : 2, endOnFailure: true },
      );
    }, 60_000);
  }
});
