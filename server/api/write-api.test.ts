import { afterAll, describe, expect, it } from "bun:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { eq, sql } from "drizzle-orm";
import { addReviewers, createBrief, moveBrief } from "../../plugins/briefs/briefs.ts";
import { apiTokens } from "../auth/schema.ts";
import { hashToken } from "../auth/tokens.ts";
import { rowsOf } from "../db/rows.ts";
import type { Person } from "../people/people.ts";
import { teamMembers, teams } from "../people/schema.ts";
import { concretePath } from "../testing/routes.ts";
import { testApp } from "../testing/test-app.ts";

// The write API as a client sees it: the OpenAPI document is valid, and every write operation it
// lists is exercised here — with its scope, without it, with a revoked token, with bad bodies.
// A write operation added to the document without a case below fails the first test.

const t = await testApp({ plugins: "*" });
afterAll(() => t.close());

type Operation = {
  operationId: string;
  responses: Record<string, { content?: { "application/json": { schema: object } } }>;
  "x-desktrust-scope": string;
};
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, object> } };

const doc = (await (await t.client().get("/api/openapi.json")).json()) as Doc;
const writes = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => method !== "get")
    .map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
);

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: "doc", components: doc.components }, "doc");

/** Checks a response body against the document's schema for that operation and status. */
function expectDocumented(op: Operation, status: number, body: unknown): void {
  const schema = op.responses[String(status)]?.content?.["application/json"].schema;
  expect(schema, `${op.operationId} documents a ${status}`).toBeDefined();
  const text = JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/');
  const validate = ajv.compile(JSON.parse(text));
  const ok = validate(body);
  expect(ok ? [] : validate.errors, `${op.operationId} answered what its ${status} schema says`).toEqual([]);
}

// People and a team: a manager and two members who share it, and someone from elsewhere.
const manager = await t.person({ name: "Mona Manager" });
const member = await t.person({ name: "Max Member" });
const colleague = await t.person({ name: "Cleo Colleague" });
const outsider = await t.person({ name: "Otto Outsider" });
const [team] = await t.ctx.db.insert(teams).values({ name: "Platform", timeZone: "UTC" }).returning();
const teamId = (team as { id: string }).id;
await t.ctx.db.insert(teamMembers).values([
  { teamId, personId: manager.id, isManager: true },
  { teamId, personId: member.id, isManager: false },
  { teamId, personId: colleague.id, isManager: false },
]);

const handle = (p: Person): string => p.email.split("@")[0] as string;

/** Creates an API token on the tokens page, as the person would. */
async function tokenFor(person: Person, scopes: string[]): Promise<string> {
  const client = await t.signedIn(person);
  const res = await client.post("/profile/tokens", { name: `script ${scopes.join(" ")}`, scopes });
  expect(res.status).toBe(201);
  return /id="new-token"[^>]*value="(dtk_[a-z2-7]+)"/.exec(await res.text())?.[1] as string;
}

async function revoke(person: Person, token: string): Promise<void> {
  const client = await t.signedIn(person);
  const [row] = await t.ctx.db
    .select({ id: apiTokens.id })
    .from(apiTokens)
    .where(eq(apiTokens.tokenHash, hashToken(token)));
  expect((await client.post(`/profile/tokens/${row?.id}/revoke`)).status).toBe(303);
}

async function call(method: string, path: string, token: string, body?: unknown, raw?: string): Promise<Response> {
  return t.app.request(`http://localhost:3000${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    ...(raw !== undefined ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

/** Row counts of every table: a refused request must leave all of them as they were. */
async function fingerprint(): Promise<string> {
  const tables = rowsOf<{ name: string }>(
    await t.ctx.db.execute(sql`select format('%I.%I', table_schema, table_name) as name
      from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
      order by 1`),
  );
  const counts = rowsOf<{ name: string; n: number }>(
    await t.ctx.db.execute(
      sql.raw(
        tables.map((tb) => `select '${tb.name}' as name, count(*)::int as n from ${tb.name}`).join(" union all "),
      ),
    ),
  );
  return JSON.stringify(counts.sort((a, b) => a.name.localeCompare(b.name)));
}

async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

const all = await tokenFor(member, ["read", "write"]);

/** Posts an update with an ask for `colleague`, through the API, and returns the update's and ask's ids. */
async function updateWithAsk(author: Person): Promise<{ updateId: string; askId: string }> {
  const token = await tokenFor(author, ["updates:write", "read"]);
  t.clock.set(new Date(t.clock.now().getTime() + 14 * 86_400_000));
  const res = await call("POST", "/api/status-updates/updates", token, {
    teamId,
    answers: {
      "bottom-line": "Billing export ships Friday.",
      ask: `@${handle(colleague)} can you review the schema by Wednesday?`,
    },
  });
  expect(res.status).toBe(201);
  const updateId = (await json<{ update: { id: string } }>(res)).update.id;
  const asks = await json<{ asks: { askId: string; updateId: string }[] }>(
    await call("GET", "/api/status-updates/asks", await tokenFor(colleague, ["read"])),
  );
  const ask = asks.asks.find((a) => a.updateId === updateId);
  expect(ask).toBeDefined();
  return { updateId, askId: ask?.askId as string };
}

/** One case per write operation: it succeeds with a token holding just its scope, as the pages allow. */
const cases: Record<string, (op: Operation) => Promise<void>> = {
  async postStatusUpdatesUpdates(op) {
    const token = await tokenFor(member, ["updates:write"]);
    t.clock.set(new Date(t.clock.now().getTime() + 14 * 86_400_000));
    const res = await call("POST", "/api/status-updates/updates", token, {
      teamId,
      answers: { "bottom-line": "The search index rebuild is done; queries are 3x faster.", progress: "Shipped." },
    });
    expect(res.status).toBe(201);
    const body = await json<{ update: { teamId: string; status: string; bottomLine: string } }>(res);
    expectDocumented(op, 201, body);
    expect(body.update).toMatchObject({ teamId, status: "posted" });
    expect(body.update.bottomLine).toContain("search index");
    // Once per period, as on the page: the second post is a 409 and edits are the way.
    const again = await call("POST", "/api/status-updates/updates", token, { teamId, answers: { "bottom-line": "x" } });
    expect(again.status).toBe(409);
    // Only to a team the person is on.
    const elsewhere = await call("POST", "/api/status-updates/updates", await tokenFor(outsider, ["updates:write"]), {
      teamId,
      answers: { "bottom-line": "Not my team." },
    });
    expect(elsewhere.status).toBe(403);
  },

  async patchStatusUpdatesUpdatesId(op) {
    const { updateId } = await updateWithAsk(member);
    const token = await tokenFor(member, ["updates:write"]);
    const res = await call("PATCH", `/api/status-updates/updates/${updateId}`, token, {
      answers: { "bottom-line": "Billing export ships Monday instead.", progress: "" },
    });
    expect(res.status).toBe(200);
    const body = await json<{ update: { bottomLine: string; answers: Record<string, string> } }>(res);
    expectDocumented(op, 200, body);
    expect(body.update.bottomLine).toBe("Billing export ships Monday instead.");
    expect(body.update.answers.ask).toContain("review the schema");
    // Only the author edits, as on the page.
    const other = await call(
      "PATCH",
      `/api/status-updates/updates/${updateId}`,
      await tokenFor(colleague, ["updates:write"]),
      {
        answers: { "bottom-line": "Hijacked." },
      },
    );
    expect(other.status).toBe(403);
  },

  async postStatusUpdatesUpdatesIdComments(op) {
    const { updateId } = await updateWithAsk(member);
    const token = await tokenFor(manager, ["comments:write"]);
    const res = await call("POST", `/api/status-updates/updates/${updateId}/comments`, token, { body: "Nice work." });
    expect(res.status).toBe(201);
    const body = await json<{ comment: { updateId: string; body: string } }>(res);
    expectDocumented(op, 201, body);
    expect(body.comment).toMatchObject({ updateId, body: "Nice work." });
    const outside = await call(
      "POST",
      `/api/status-updates/updates/${updateId}/comments`,
      await tokenFor(outsider, ["comments:write"]),
      {
        body: "Hello?",
      },
    );
    expect(outside.status).toBe(403);
  },

  async postStatusUpdatesAsksIdAnswers(op) {
    const { askId } = await updateWithAsk(member);
    // Only an addressee answers.
    const bystander = await call(
      "POST",
      `/api/status-updates/asks/${askId}/answers`,
      await tokenFor(manager, ["asks:write"]),
      {
        body: "I can do it.",
      },
    );
    expect(bystander.status).toBe(403);
    const token = await tokenFor(colleague, ["asks:write", "read"]);
    const res = await call("POST", `/api/status-updates/asks/${askId}/answers`, token, {
      body: "Reviewed: looks good.",
    });
    expect(res.status).toBe(201);
    const body = await json<{ askId: string }>(res);
    expectDocumented(op, 201, body);
    expect(body.askId).toBe(askId);
    const waiting = await json<{ asks: { askId: string }[] }>(await call("GET", "/api/status-updates/asks", token));
    expect(waiting.asks.map((a) => a.askId)).not.toContain(askId);
    expect((await call("POST", `/api/status-updates/asks/${askId}/answers`, token, { body: "Again." })).status).toBe(
      409,
    );
  },

  async postBriefsBriefsIdComments(op) {
    const now = t.clock.now();
    const brief = await createBrief(t.ctx.db, {
      authorId: manager.id,
      teamId,
      title: "Move billing to the new queue",
      body: "**Bottom line:** we move billing jobs to the new queue in April.\n\nThe old one drops jobs under load.",
      at: now,
    });
    await moveBrief(t.ctx.db, brief.id, "draft", "review", {
      sentAt: now,
      commentDeadline: new Date(now.getTime() + 86_400_000),
      at: now,
    });
    await addReviewers(t.ctx.db, brief.id, [member.id]);
    const token = await tokenFor(member, ["comments:write", "read"]);
    const read = await json<{ brief: { paragraphs: { index: number; hash: string }[] } }>(
      await call("GET", `/api/briefs/briefs/${brief.id}`, token),
    );
    const second = read.brief.paragraphs[1] as { index: number; hash: string };
    const res = await call("POST", `/api/briefs/briefs/${brief.id}/comments`, token, {
      paragraph: second.index,
      paragraphHash: second.hash,
      body: "How do we drain the old queue?",
    });
    expect(res.status).toBe(201);
    const body = await json<{ comment: { briefId: string; paragraph: number } }>(res);
    expectDocumented(op, 201, body);
    expect(body.comment).toMatchObject({ briefId: brief.id, paragraph: second.index });
    // A paragraph that is not (or no longer) in the brief is named, and nothing is stored.
    const before = await fingerprint();
    const stale = await call("POST", `/api/briefs/briefs/${brief.id}/comments`, token, {
      paragraph: second.index,
      paragraphHash: "0000000000000000",
      body: "Stale.",
    });
    expect(stale.status).toBe(422);
    expect(await fingerprint()).toBe(before);
  },

  async postBriefsDecisions(op) {
    const token = await tokenFor(member, ["decisions:write", "read"]);
    const res = await call("POST", "/api/briefs/decisions", token, {
      title: "Use Postgres for the audit store",
      decidedBy: "Platform team",
      decidedOn: "2026-03-02",
      rationale: "One database to run and back up.",
      links: "/briefs\nhttps://example.com/adr/12",
    });
    expect(res.status).toBe(201);
    const body = await json<{ decision: { id: string; kind: string; links: string } }>(res);
    expectDocumented(op, 201, body);
    expect(body.decision.kind).toBe("manual");
    const read = await call("GET", `/api/briefs/decisions/${body.decision.id}`, token);
    expect((await json<{ decision: { title: string } }>(read)).decision.title).toBe("Use Postgres for the audit store");
  },

  async putSlaTeamsTeamIdCharter(op) {
    const rows = [
      { workType: "question", medium: "portal", targetHours: 8 },
      {
        workType: "incident",
        medium: "chat",
        targetHours: 0.5,
        basis: "calendar",
        responders: "person",
        responderId: colleague.id,
      },
    ];
    // A member may read the charter but not change it, as on the charter page.
    const memberToken = await tokenFor(member, ["charters:write", "read"]);
    const before = await fingerprint();
    const refused = await call("PUT", `/api/sla/teams/${teamId}/charter`, memberToken, { rows });
    expect(refused.status).toBe(403);
    expect(await fingerprint()).toBe(before);
    const token = await tokenFor(manager, ["charters:write"]);
    const res = await call("PUT", `/api/sla/teams/${teamId}/charter`, token, { rows });
    expect(res.status).toBe(200);
    const body = await json<{ version: number; rows: { workType: string; targetHours: number }[] }>(res);
    expectDocumented(op, 200, body);
    expect(body.version).toBe(1);
    expect(body.rows.map((r) => [r.workType, r.targetHours])).toEqual([
      ["question", 8],
      ["incident", 0.5],
    ]);
    const read = await json<{ version: number }>(await call("GET", `/api/sla/teams/${teamId}/charter`, memberToken));
    expect(read.version).toBe(1);
    // The page's rules decide: a responder must be on the team, named by the row's field.
    const stranger = await call("PUT", `/api/sla/teams/${teamId}/charter`, token, {
      rows: [
        { workType: "question", medium: "portal", targetHours: 4, responders: "person", responderId: outsider.id },
      ],
    });
    expect(stranger.status).toBe(422);
    const fields = (await json<{ error: { fields: Record<string, string> } }>(stranger)).error.fields;
    expect(Object.keys(fields)).toEqual(["rows.0.responderId"]);
  },
};

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("has a test case below for every write operation it lists", () => {
    expect(writes.length).toBeGreaterThanOrEqual(6);
    expect(writes.map((w) => w.op.operationId).filter((id) => !cases[id])).toEqual([]);
  });

  it("is shown as a readable page that names each operation, its scope and its schemas", async () => {
    const res = await t.client().get("/api/docs");
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const { op, path } of writes) {
      expect(html).toContain(`id="${op.operationId}"`);
      expect(html).toContain(path);
      expect(html).toContain(op["x-desktrust-scope"]);
    }
    expect(html).not.toMatch(/<script[^>]+src="https?:/);
  });
});

describe("write operations", () => {
  for (const { method, path, op } of writes) {
    const somewhere = concretePath(path.replace(/\{([A-Za-z0-9_]+)\}/g, ":$1"));

    it(`${method} ${path} works with its scope and answers as documented`, async () => {
      await (cases[op.operationId] ?? (() => Promise.reject(new Error(`no case for ${op.operationId}`))))(op);
    });

    it(`${method} ${path} refuses a token without ${op["x-desktrust-scope"]} (403) and a revoked one (401)`, async () => {
      const scope = op["x-desktrust-scope"];
      const other = writes.map((w) => w.op["x-desktrust-scope"]).find((s) => s !== scope) ?? "read";
      const readOnly = await tokenFor(member, ["read"]);
      const wrongScope = await tokenFor(member, [other]);
      const revoked = await tokenFor(member, [scope]);
      await revoke(member, revoked);
      const before = await fingerprint();
      expect((await call(method, somewhere, readOnly, {})).status).toBe(403);
      const wrong = await call(method, somewhere, wrongScope, {});
      expect(wrong.status).toBe(403);
      expect((await json<{ error: { message: string } }>(wrong)).error.message).toContain(scope);
      expect((await call(method, somewhere, revoked, {})).status).toBe(401);
      expect(await fingerprint()).toBe(before);
    });

    it(`${method} ${path} answers bad JSON with 400 and a bad body with 422 naming the field, writing nothing`, async () => {
      const before = await fingerprint();
      const malformed = await call(method, somewhere, all, undefined, '{"teamId": ');
      expect(malformed.status).toBe(400);
      const invalid = await call(method, somewhere, all, { unexpected: true });
      expect(invalid.status).toBe(422);
      const error = (await json<{ error: { message: string; fields: Record<string, string> } }>(invalid)).error;
      const [field] = Object.keys(error.fields);
      expect(field).toBeDefined();
      expect(error.message).toContain(field as string);
      const wrongType = await t.app.request(`http://localhost:3000${somewhere}`, {
        method,
        headers: { Authorization: `Bearer ${all}`, "Content-Type": "text/plain" },
        body: "hello",
      });
      expect(wrongType.status).toBe(415);
      expect(await fingerprint()).toBe(before);
    });
  }
});

describe("read operations", () => {
  const reads = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => method === "get")
      .map(([, op]) => ({ path, op })),
  );

  it("each answers a read-scoped token as the document says", async () => {
    const token = await tokenFor(member, ["read", "decisions:write"]);
    const created = await call("POST", "/api/briefs/decisions", token, {
      title: "Ship the API",
      decidedBy: "Max",
      decidedOn: "2026-03-02",
      rationale: "Scripts need it.",
    });
    const decisionId = (await json<{ decision: { id: string } }>(created)).decision.id;
    const reader = await tokenFor(member, ["read"]);
    expect(reads.length).toBeGreaterThanOrEqual(5);
    for (const { path, op } of reads) {
      const concrete = path.replace("{teamId}", teamId).replace("{id}", decisionId);
      expect(concrete, `${op.operationId} has only known parameters`).not.toContain("{");
      const res = await call("GET", concrete, reader);
      expect(res.status, op.operationId).toBe(200);
      expectDocumented(op, 200, await res.json());
    }
  });
});

describe("API tokens with per-resource scopes", () => {
  it("keep tokens made with the old write scope working for every write and every read", async () => {
    const legacy = await tokenFor(manager, ["write"]);
    expect((await call("GET", `/api/sla/teams/${teamId}/charter`, legacy)).status).toBe(200);
    const res = await call("POST", "/api/briefs/decisions", legacy, {
      title: "Keep weekly updates",
      decidedBy: "Mona",
      decidedOn: "2026-03-03",
      rationale: "They replace the status meeting.",
    });
    expect(res.status).toBe(201);
  });

  it("need the read scope to read", async () => {
    const writeOnly = await tokenFor(member, ["decisions:write"]);
    expect((await call("GET", "/api/briefs/decisions", writeOnly)).status).toBe(403);
  });

  it("keep older write routes to the all-changes scope", async () => {
    const scoped = await tokenFor(member, ["updates:write"]);
    const res = await t.app.request("http://localhost:3000/api/sla/asks", {
      method: "POST",
      headers: { Authorization: `Bearer ${scoped}`, "Content-Type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(403);
  });

  it("are offered on the tokens page with what each allows, and an unknown scope is refused", async () => {
    const client = await t.signedIn(member);
    const page = await (await client.get("/profile/tokens")).text();
    for (const scope of [
      "read",
      "updates:write",
      "asks:write",
      "comments:write",
      "decisions:write",
      "charters:write",
      "write",
    ])
      expect(page).toContain(`value="${scope}"`);
    const res = await client.post("/profile/tokens", { name: "bogus", scopes: ["admin:write"] });
    expect(res.status).toBe(422);
  });
});

describe("a disabled plugin's operations", () => {
  it("leave the document, the docs page and the token page while it is off, and answer 404", async () => {
    const admin = await t.person({ role: "admin" });
    const token = await tokenFor(member, ["decisions:write"]);
    await t.ctx.plugins.setEnabled("briefs", false, admin.id);
    try {
      const off = (await (await t.client().get("/api/openapi.json")).json()) as Doc;
      expect(Object.keys(off.paths).some((p) => p.startsWith("/api/briefs/"))).toBe(false);
      expect(await (await t.client().get("/api/docs")).text()).not.toContain("postBriefsDecisions");
      const client = await t.signedIn(member);
      expect(await (await client.get("/profile/tokens")).text()).not.toContain('value="decisions:write"');
      const res = await call("POST", "/api/briefs/decisions", token, { title: "x" });
      expect(res.status).toBe(404);
    } finally {
      await t.ctx.plugins.setEnabled("briefs", true, admin.id);
    }
    expect(Object.keys(((await (await t.client().get("/api/openapi.json")).json()) as Doc).paths)).toContain(
      "/api/briefs/decisions",
    );
  });
});
