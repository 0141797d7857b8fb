import { afterAll, describe, expect, it } from "bun:test";
import { Hono } from "hono";
import { allows, declareRoutes, RouteRegistry, type RouteRule } from "../http/access.ts";
import type { AppEnv } from "../http/env.ts";
import type { Person } from "../people/people.ts";
import {
  concretePath,
  isMutating,
  undeclaredRoutes,
  type ViewerKind,
  viewerKinds,
  viewerOf,
} from "../testing/routes.ts";
import { testApp } from "../testing/test-app.ts";

// The role × route matrix: every route any module declares is called by every kind of viewer,
// and the answer must match what its access rule says. Routes added later are covered
// automatically because the list comes from the registry, not from this file.

const t = await testApp({ plugins: "*" });
afterAll(() => t.close());

const people: Record<Exclude<ViewerKind, "anonymous">, Person> = {
  member: await t.person({ role: "member" }),
  manager: await t.person({ role: "manager" }),
  admin: await t.person({ role: "admin" }),
  owner: await t.person({ role: "owner" }),
};

const rules: RouteRule[] = [...t.ctx.routes.rules];

async function callAs(kind: ViewerKind, rule: RouteRule): Promise<Response> {
  // A fresh session per call: a route such as /logout-everywhere must not spoil the next call.
  const client = kind === "anonymous" ? t.client() : await t.signedIn(people[kind]);
  const path = concretePath(rule.path);
  if (!isMutating(rule.method)) return client.request(path, { method: rule.method });
  return client.request(path, {
    method: rule.method,
    body: "",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
}

const isApi = (path: string): boolean => path === "/api" || path.startsWith("/api/");

/** Why a response breaks the rule, or null when it is what the rule asks for. */
function violation(rule: RouteRule, kind: ViewerKind, res: Response): string | null {
  if (res.status >= 500) return `got ${res.status}`;
  // Token routes authenticate machine clients themselves: no session of any role gets in.
  if (rule.access === "token") {
    const json = (res.headers.get("Content-Type") ?? "").includes("application/json");
    return res.status === 401 && json ? null : `expected a 401 JSON error without a token, got ${res.status}`;
  }
  if (allows(rule.access, viewerOf(kind))) {
    return res.status === 401 || res.status === 403 ? `allowed but got ${res.status}` : null;
  }
  if (kind !== "anonymous") return res.status === 403 ? null : `expected 403, got ${res.status}`;
  if (isApi(rule.path)) {
    const json = (res.headers.get("Content-Type") ?? "").includes("application/json");
    return res.status === 401 && json ? null : `expected a 401 JSON error, got ${res.status}`;
  }
  const toLogin = res.status === 303 && (res.headers.get("Location") ?? "").startsWith("/login");
  return res.status === 401 || toLogin ? null : `expected 401 or a redirect to /login, got ${res.status}`;
}

interface Row {
  rule: RouteRule;
  cells: string[];
}
const matrix: Row[] = [];

function renderMatrix(rows: Row[]): string {
  const width = Math.max(...rows.map((row) => `${row.rule.method} ${row.rule.path}`.length), 10);
  const header = `${"route".padEnd(width)}  ${"access".padEnd(9)}  ${viewerKinds.map((k) => k.padEnd(9)).join(" ")}`;
  const lines = rows.map(
    ({ rule, cells }) =>
      `${`${rule.method} ${rule.path}`.padEnd(width)}  ${rule.access.padEnd(9)}  ${cells.map((c) => c.padEnd(9)).join(" ")}`,
  );
  return [header, ...lines, "(! marks a cell that breaks the route's access rule)"].join("\n");
}

afterAll(() => {
  if (matrix.some((row) => row.cells.some((cell) => cell.endsWith("!")))) {
    console.error(`\nRole × route matrix (status per viewer):\n${renderMatrix(matrix)}\n`);
  }
});

describe("every route declares who may call it", () => {
  it("finds the core routes in the registry (the matrix below is not empty)", () => {
    const declared = rules.map((rule) => `${rule.method} ${rule.path}`);
    expect(declared).toContain("GET /");
    expect(declared).toContain("POST /login");
  });

  it("has no handler registered on the app without an access rule", () => {
    const missing = undeclaredRoutes(t.app, rules).map((route) => `${route.method} ${route.path}`);
    expect(missing).toEqual([]);
  });

  it("declares each method and path once", () => {
    const keys = rules.map((rule) => `${rule.method} ${rule.path}`);
    const duplicates = keys.filter((key, i) => keys.indexOf(key) !== i);
    expect(duplicates).toEqual([]);
  });

  it("spots a handler added behind the registry's back", () => {
    const app = new Hono<AppEnv>();
    const registry = new RouteRegistry();
    app.use(async (_c, next) => next());
    declareRoutes(app, registry, { owner: "test" }).get("/declared/:id", "admin", (c) => c.text("ok"));
    app.post("/sneaky", (c) => c.text("ok"));
    const missing = undeclaredRoutes(app, registry.rules);
    expect(missing).toEqual([{ method: "POST", path: "/sneaky" }]);
  });
});

describe("role × route matrix", () => {
  for (const rule of rules) {
    it(`${rule.method} ${rule.path} answers as "${rule.access}" says`, async () => {
      const cells: string[] = [];
      const problems: string[] = [];
      for (const kind of viewerKinds) {
        const res = await callAs(kind, rule);
        const problem = violation(rule, kind, res);
        cells.push(`${res.status}${problem ? "!" : ""}`);
        if (problem) problems.push(`${kind}: ${problem}`);
      }
      matrix.push({ rule, cells });
      expect(problems).toEqual([]);
    });
  }
});
