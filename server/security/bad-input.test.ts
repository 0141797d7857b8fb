import { afterAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { MAX_BODY_BYTES } from "../app.ts";
import type { RouteRule } from "../http/access.ts";
import { people } from "../people/schema.ts";
import { concretePath, hasParams, isMutating } from "../testing/routes.ts";
import { changedTables, snapshotTables } from "../testing/snapshot.ts";
import { testApp } from "../testing/test-app.ts";

// Bad input gets a clear 4xx and changes nothing: every state-changing route, called by the
// owner (who may call them all), with bodies no form would send. The route list comes from
// the registry, so routes added later are covered too.

const t = await testApp({ plugins: "*" });
afterAll(() => t.close());
const owner = await t.person({ role: "owner" });

const form = "application/x-www-form-urlencoded";
const json = "application/json";

// We cannot know each route's field names, so send the usual ones with the wrong types.
const commonFields = [
  "name",
  "email",
  "password",
  "id",
  "role",
  "teamId",
  "personId",
  "timeZone",
  "token",
  "next",
  "title",
  "body",
  "orgName",
  "emailDomains",
  "defaultTimeZone",
  "ownerName",
  "ownerEmail",
];
const wrongTypes: unknown[] = [{}, [], 1, null, true, [{}], { $gt: "" }];
const wrongTypedJson = Object.fromEntries(commonFields.map((field, i) => [field, wrongTypes[i % wrongTypes.length]]));

interface BadRequest {
  name: string;
  body: (rule: RouteRule) => BodyInit;
  contentType: string;
  /** What the status must satisfy besides "not a 5xx". */
  expectStatus?: (status: number) => boolean;
  expected?: string;
}

/** One byte over the route's own limit (upload routes declare a larger one). */
function oversized(rule: RouteRule): string {
  return `a=${"x".repeat((rule.maxBodyBytes ?? MAX_BODY_BYTES) + 1)}`;
}

const badBodies: BadRequest[] = [
  { name: "malformed urlencoded", body: () => "%zz&&==&%&=%G1", contentType: form },
  {
    name: "repeated fields where one value is expected",
    body: () => "name=a&name=b&email=x&email=y",
    contentType: form,
  },
  { name: "invalid JSON", body: () => '{"name": ', contentType: json },
  { name: "a JSON array", body: () => '[1, "two", {"name": "x"}]', contentType: json },
  { name: "a JSON scalar", body: () => "42", contentType: json },
  { name: "wrong-typed JSON fields", body: () => JSON.stringify(wrongTypedJson), contentType: json },
  {
    name: "a body over the size limit",
    body: (rule) => oversized(rule),
    contentType: form,
    expectStatus: (status) => status === 413,
    expected: "413",
  },
  {
    name: "a streamed body over the size limit (no Content-Length)",
    body: (rule) =>
      new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(oversized(rule)));
          controller.close();
        },
      }),
    contentType: form,
    expectStatus: (status) => status === 413,
    expected: "413",
  },
  {
    name: "an unsupported content type",
    body: () => "name,email\nx,y\n",
    contentType: "text/csv",
    // 415 from a route that reads its body; a route that reads none may redirect as usual.
    expectStatus: (status) => status >= 300 && status < 500,
    expected: "3xx or 4xx",
  },
];

const badParams = [
  "not-a-uuid",
  "0",
  "' or '1'='1",
  "..%2F..%2Fetc",
  "%00",
  "x".repeat(300),
  "00000000-0000-0000-0000",
];

/** Tables a route may legitimately touch even when its input is refused. */
function mayChange(rule: RouteRule): Set<string> {
  const allowed = new Set(["public.login_throttle"]);
  if (/^\/logout/.test(rule.path)) for (const table of ["public.sessions", "public.audit_log"]) allowed.add(table);
  return allowed;
}

async function expectNothingChanged(
  rule: RouteRule,
  send: (client: Awaited<ReturnType<typeof t.signedIn>>) => Promise<Response>,
): Promise<Response> {
  const client = await t.signedIn(owner);
  const before = await snapshotTables(t.ctx.db);
  const res = await send(client);
  await res.arrayBuffer();
  const after = await snapshotTables(t.ctx.db);
  const allowed = mayChange(rule);
  expect({ status: res.status, changed: changedTables(before, after).filter((table) => !allowed.has(table)) }).toEqual({
    status: res.status < 500 ? res.status : -1,
    changed: [],
  });
  return res;
}

const mutating = t.ctx.routes.rules.filter((rule) => isMutating(rule.method));

it("notices a changed row (the snapshot can fail)", async () => {
  const before = await snapshotTables(t.ctx.db);
  const extra = await t.person();
  expect(changedTables(before, await snapshotTables(t.ctx.db))).toContain("public.people");
  await t.ctx.db.delete(people).where(eq(people.id, extra.id));
});

it("finds state-changing routes to try (the tests below are not empty)", () => {
  expect(mutating.map((rule) => `${rule.method} ${rule.path}`)).toContain("POST /login");
});

for (const rule of mutating) {
  describe(`${rule.method} ${rule.path}`, () => {
    for (const bad of badBodies) {
      it(`refuses ${bad.name} without a 500 or a change`, async () => {
        const res = await expectNothingChanged(rule, (client) =>
          client.request(concretePath(rule.path), {
            method: rule.method,
            body: bad.body(rule),
            headers: { "Content-Type": bad.contentType },
          }),
        );
        if (bad.expectStatus) {
          expect(bad.expectStatus(res.status) ? "ok" : `status ${res.status}, expected ${bad.expected}`).toBe("ok");
        }
      });
    }

    if (hasParams(rule.path)) {
      for (const param of badParams) {
        it(`refuses the route parameter ${JSON.stringify(param.slice(0, 20))} without a 500 or a change`, async () => {
          const path = concretePath(rule.path, () => decodeURIComponent(param));
          const res = await expectNothingChanged(rule, (client) =>
            client.request(path, { method: rule.method, body: "", headers: { "Content-Type": form } }),
          );
          expect(res.status).toBeGreaterThanOrEqual(300);
        });
      }
    }
  });
}
