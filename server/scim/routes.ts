import type { Context, Handler } from "hono";
import type { Routes } from "../http/access.ts";
import type { AppEnv } from "../http/env.ts";
import { LIST_SCHEMA, MAX_RESULTS, resourceTypes, schemas, serviceProviderConfig } from "./discovery.ts";
import { ScimError, scimErrorBody } from "./errors.ts";
import {
  createGroup,
  deleteGroup,
  fieldsOfGroup,
  findGroup,
  groupFromBody,
  listGroups,
  patchGroup,
  scimGroup,
  updateGroup,
} from "./groups.ts";
import { patchOperations } from "./patch.ts";
import { authenticateScimToken } from "./tokens.ts";
import {
  createUser,
  fieldsOf,
  findUser,
  listUsers,
  patchUser,
  type ScimCaller,
  scimUser,
  updateUser,
  userFromBody,
} from "./users.ts";

// SCIM 2.0 (RFC 7643, RFC 7644) under /scim/v2, for Microsoft Entra ID, Okta and other
// directories. Every endpoint takes the bearer token an admin created on /admin/scim.

const PREFIX = "/scim/v2";

/**
 * SCIM's media type is application/scim+json; plain application/json is also allowed
 * (RFC 7644 §3.1). A client that asks for scim+json gets it, others get application/json.
 */
function scimJson(c: Context<AppEnv>, body: unknown, status: number): Response {
  const scimType = (c.req.header("Accept") ?? "").includes("application/scim+json");
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": `${scimType ? "application/scim+json" : "application/json"}; charset=utf-8` },
  });
}

type ScimHandler = (c: Context<AppEnv>, caller: ScimCaller) => Promise<Response>;

/** Authenticates the SCIM token and turns every ScimError into an RFC 7644 error response. */
function scim(handler: ScimHandler): Handler<AppEnv> {
  return async function scimEndpoint(c) {
    try {
      const ctx = c.get("app");
      const at = ctx.clock.now();
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("Authorization") ?? "")?.[1];
      if (!bearer) throw new ScimError(401, "Send the SCIM token as Authorization: Bearer <token>.");
      const token = await authenticateScimToken(ctx.db, bearer, at);
      if (!token) throw new ScimError(401, "Unknown or revoked SCIM token.");
      return await handler(c, { tokenName: token.name, at });
    } catch (error) {
      if (!(error instanceof ScimError)) throw error;
      const res = scimJson(c, scimErrorBody(error), error.status);
      if (error.status === 401) res.headers.set("WWW-Authenticate", 'Bearer realm="DeskTrust SCIM"');
      return res;
    }
  };
}

async function jsonBody(c: Context<AppEnv>): Promise<unknown> {
  const type = (c.req.header("Content-Type") ?? "").toLowerCase();
  if (!type.startsWith("application/scim+json") && !type.startsWith("application/json")) {
    throw new ScimError(415, "Send the body as application/scim+json.");
  }
  try {
    return await c.req.json();
  } catch {
    throw new ScimError(400, "The body is not valid JSON.", "invalidSyntax");
  }
}

/** `startIndex` (1-based) and `count` from the query (RFC 7644 §3.4.2.4). */
function paging(c: Context<AppEnv>): { startIndex: number; count: number } {
  const number = (name: string, fallback: number): number => {
    const raw = c.req.query(name);
    if (raw === undefined || raw === "") return fallback;
    if (!/^-?\d+$/.test(raw)) throw new ScimError(400, `${name} must be a whole number.`, "invalidValue");
    return Number(raw);
  };
  return {
    startIndex: Math.max(1, number("startIndex", 1)),
    count: Math.min(MAX_RESULTS, Math.max(0, number("count", 100))),
  };
}

function listResponse(total: number, startIndex: number, resources: unknown[]): Record<string, unknown> {
  return {
    schemas: [LIST_SCHEMA],
    totalResults: total,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

function excludesMembers(c: Context<AppEnv>): boolean {
  return (c.req.query("excludedAttributes") ?? "")
    .toLowerCase()
    .split(",")
    .map((s) => s.trim())
    .includes("members");
}

function notFound(kind: "User" | "Group", id: string): ScimError {
  return new ScimError(404, `${kind} ${id} not found.`);
}

export function scimRoutes(r: Routes): void {
  const base = (c: Context<AppEnv>): string => c.get("app").config.baseUrl;

  r.get(
    `${PREFIX}/ServiceProviderConfig`,
    "token",
    scim(async (c) => scimJson(c, serviceProviderConfig(base(c)), 200)),
  );
  r.get(
    `${PREFIX}/ResourceTypes`,
    "token",
    scim(async (c) => {
      const types = resourceTypes(base(c));
      return scimJson(c, listResponse(types.length, 1, types), 200);
    }),
  );
  r.get(
    `${PREFIX}/ResourceTypes/:id`,
    "token",
    scim(async (c) => {
      const type = resourceTypes(base(c)).find((t) => t.id === c.req.param("id"));
      if (!type) throw new ScimError(404, `Resource type ${c.req.param("id")} not found.`);
      return scimJson(c, type, 200);
    }),
  );
  r.get(
    `${PREFIX}/Schemas`,
    "token",
    scim(async (c) => {
      const all = schemas(base(c));
      return scimJson(c, listResponse(all.length, 1, all), 200);
    }),
  );
  r.get(
    `${PREFIX}/Schemas/:id`,
    "token",
    scim(async (c) => {
      const schema = schemas(base(c)).find((s) => s.id === c.req.param("id"));
      if (!schema) throw new ScimError(404, `Schema ${c.req.param("id")} not found.`);
      return scimJson(c, schema, 200);
    }),
  );

  r.get(
    `${PREFIX}/Users`,
    "token",
    scim(async (c) => {
      const page = paging(c);
      const { total, users } = await listUsers(c.get("app").db, { filter: c.req.query("filter"), ...page });
      return scimJson(
        c,
        listResponse(
          total,
          page.startIndex,
          users.map((u) => scimUser(u, base(c))),
        ),
        200,
      );
    }),
  );
  r.post(
    `${PREFIX}/Users`,
    "token",
    scim(async (c, caller) => {
      const user = await createUser(c.get("app").db, userFromBody(await jsonBody(c)), caller);
      return scimJson(c, scimUser(user, base(c)), 201);
    }),
  );
  r.get(
    `${PREFIX}/Users/:id`,
    "token",
    scim(async (c) => {
      const id = c.req.param("id") ?? "";
      const user = await findUser(c.get("app").db, id);
      if (!user) throw notFound("User", id);
      return scimJson(c, scimUser(user, base(c)), 200);
    }),
  );
  r.put(
    `${PREFIX}/Users/:id`,
    "token",
    scim(async (c, caller) => {
      const id = c.req.param("id") ?? "";
      const user = await updateUser(c.get("app").db, id, userFromBody(await jsonBody(c)), caller);
      return scimJson(c, scimUser(user, base(c)), 200);
    }),
  );
  r.patch(
    `${PREFIX}/Users/:id`,
    "token",
    scim(async (c, caller) => {
      const id = c.req.param("id") ?? "";
      const operations = patchOperations(await jsonBody(c));
      const db = c.get("app").db;
      const current = await findUser(db, id);
      if (!current) throw notFound("User", id);
      const user = await updateUser(db, id, patchUser(fieldsOf(current), operations), caller);
      return scimJson(c, scimUser(user, base(c)), 200);
    }),
  );
  // DeskTrust keeps a person's written record, so a directory DELETE deactivates instead.
  r.delete(
    `${PREFIX}/Users/:id`,
    "token",
    scim(async (c, caller) => {
      const id = c.req.param("id") ?? "";
      const db = c.get("app").db;
      const current = await findUser(db, id);
      if (!current) throw notFound("User", id);
      await updateUser(db, id, { ...fieldsOf(current), active: false }, caller);
      return scimJson(c, null, 204);
    }),
  );

  r.get(
    `${PREFIX}/Groups`,
    "token",
    scim(async (c) => {
      const page = paging(c);
      const { total, groups } = await listGroups(c.get("app").db, { filter: c.req.query("filter"), ...page });
      const withMembers = !excludesMembers(c);
      return scimJson(
        c,
        listResponse(
          total,
          page.startIndex,
          groups.map((g) => scimGroup(g, base(c), withMembers)),
        ),
        200,
      );
    }),
  );
  r.post(
    `${PREFIX}/Groups`,
    "token",
    scim(async (c, caller) => {
      const group = await createGroup(c.get("app").db, groupFromBody(await jsonBody(c)), caller);
      return scimJson(c, scimGroup(group, base(c)), 201);
    }),
  );
  r.get(
    `${PREFIX}/Groups/:id`,
    "token",
    scim(async (c) => {
      const id = c.req.param("id") ?? "";
      const group = await findGroup(c.get("app").db, id);
      if (!group) throw notFound("Group", id);
      return scimJson(c, scimGroup(group, base(c), !excludesMembers(c)), 200);
    }),
  );
  r.put(
    `${PREFIX}/Groups/:id`,
    "token",
    scim(async (c, caller) => {
      const group = await updateGroup(
        c.get("app").db,
        c.req.param("id") ?? "",
        groupFromBody(await jsonBody(c)),
        caller,
      );
      return scimJson(c, scimGroup(group, base(c)), 200);
    }),
  );
  r.patch(
    `${PREFIX}/Groups/:id`,
    "token",
    scim(async (c, caller) => {
      const id = c.req.param("id") ?? "";
      const operations = patchOperations(await jsonBody(c));
      const db = c.get("app").db;
      const current = await findGroup(db, id);
      if (!current) throw notFound("Group", id);
      const group = await updateGroup(db, id, patchGroup(fieldsOfGroup(current), operations), caller);
      // Entra ID expects 204 or 200 with the resource; the resource is the more useful answer.
      return scimJson(c, scimGroup(group, base(c), !excludesMembers(c)), 200);
    }),
  );
  r.delete(
    `${PREFIX}/Groups/:id`,
    "token",
    scim(async (c, caller) => {
      await deleteGroup(c.get("app").db, c.req.param("id") ?? "", caller);
      return scimJson(c, null, 204);
    }),
  );
}
