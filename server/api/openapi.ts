import { z } from "zod";
import { SESSION_COOKIE } from "../auth/session.ts";
import type { RouteRule } from "../http/access.ts";
import type { EndpointDoc } from "./spec.ts";

/** One documented operation, as the OpenAPI document and the docs page list it. */
export interface ApiOperation {
  operationId: string;
  method: string;
  /** OpenAPI path: `/api/status-updates/updates/{id}`. */
  path: string;
  owner: string;
  endpoint: EndpointDoc;
}

type JsonSchema = Record<string, unknown>;

/** The documented endpoints of `rules` whose owner is on (core, or an enabled plugin). */
export function apiOperations(rules: readonly RouteRule[], isOn: (owner: string) => boolean): ApiOperation[] {
  return rules
    .filter((rule): rule is RouteRule & { endpoint: EndpointDoc } => !!rule.endpoint && isOn(rule.owner))
    .map((rule) => ({
      operationId: operationId(rule.method, rule.path),
      method: rule.method.toLowerCase(),
      path: openApiPath(rule.path),
      owner: rule.owner,
      endpoint: rule.endpoint,
    }));
}

/** Hono's `/updates/:id{[0-9a-f-]+}` as OpenAPI's `/updates/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "{$1}");
}

function pathParams(path: string): string[] {
  return [...path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] as string);
}

/** `POST /api/status-updates/updates/:id/comments` → `postStatusUpdatesUpdatesIdComments`. */
export function operationId(method: string, path: string): string {
  const words = openApiPath(path)
    .replace(/^\/api\//, "")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return method.toLowerCase() + words.map((w) => w[0]?.toUpperCase() + w.slice(1)).join("");
}

/**
 * A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect). Requests are described as they
 * are sent (`io: "input"`: fields with defaults are optional), responses as they come back.
 */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
  }) as JsonSchema;
  return rest;
}

const errorSchema: JsonSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["status", "message"],
      properties: {
        status: { type: "integer", description: "The HTTP status again." },
        message: { type: "string", description: "What went wrong, for people; names the field for a 422." },
        fields: {
          type: "object",
          additionalProperties: { type: "string" },
          description: "Field path (`answers.bottom-line`, `rows.0.medium`) → what was wrong with it.",
        },
      },
    },
  },
};

const errorResponses: Record<string, string> = {
  "400": "The body is not valid JSON.",
  "401": "No token, or an unknown or revoked one.",
  "403": "The token lacks the scope, or the person may not do this (the same rules as the pages).",
  "404": "No such resource (or not one the person may see).",
  "409": "The change conflicts with the current state.",
  "415": "The body is not sent as application/json.",
  "422": "The body (or query) fails validation; `error.fields` names each field.",
};

function operationObject(op: ApiOperation): JsonSchema {
  const e = op.endpoint;
  const parameters: JsonSchema[] = pathParams(op.path).map((name) => ({
    name,
    in: "path",
    required: true,
    schema: { type: "string" },
    ...(e.params?.[name] ? { description: e.params[name] } : {}),
  }));
  if (e.query) {
    const query = jsonSchemaOf(e.query, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      const { description, ...rest } = schema;
      parameters.push({
        name,
        in: "query",
        required: query.required?.includes(name) ?? false,
        schema: rest,
        ...(typeof description === "string" ? { description } : {}),
      });
    }
  }
  const status = String(e.status ?? 200);
  const errors = ["401", "403", "404", ...(e.body ? ["400", "415", "422"] : e.query ? ["422"] : []), "409"]
    .filter((code) => e.method !== "get" || code !== "409")
    .sort();
  return {
    operationId: op.operationId,
    summary: e.summary,
    ...(e.description ? { description: e.description } : {}),
    tags: [op.owner],
    security: [{ apiToken: [e.scope] }, { session: [] }],
    "x-desktrust-scope": e.scope,
    "x-desktrust-access": e.access,
    ...(parameters.length ? { parameters } : {}),
    ...(e.body
      ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: jsonSchemaOf(e.body, "input") } },
          },
        }
      : {}),
    responses: {
      [status]: {
        description: status === "201" ? "Created." : "OK.",
        content: { "application/json": { schema: jsonSchemaOf(e.response, "output") } },
      },
      ...Object.fromEntries(
        errors.map((code) => [
          code,
          {
            description: errorResponses[code],
            content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
          },
        ]),
      ),
    },
  };
}

/** The OpenAPI 3.1 document for `operations`, generated from the schemas that validate them. */
export function openApiDocument(operations: ApiOperation[], info: { version: string; baseUrl: string }): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of operations) {
    paths[op.path] = { ...paths[op.path], [op.method]: operationObject(op) };
  }
  const scopes = [...new Set(operations.map((op) => op.endpoint.scope))].sort();
  return {
    openapi: "3.1.0",
    info: {
      title: "DeskTrust API",
      version: info.version,
      description:
        "Write and read status updates, asks, comments, decisions and team charters. Authenticate with an API " +
        "token (`Authorization: Bearer dtk_…`, created under Profile → API tokens) that has the operation's " +
        `scope (${scopes.join(", ")}); a token with the \`write\` scope has every scope. A call acts as the ` +
        "token's person, with that person's role: what the pages forbid, the API forbids.",
    },
    servers: [{ url: info.baseUrl }],
    tags: [...new Set(operations.map((op) => op.owner))].sort().map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        apiToken: {
          type: "http",
          scheme: "bearer",
          description: "An API token from Profile → API tokens; each operation names the scope it needs.",
        },
        session: {
          type: "apiKey",
          in: "cookie",
          name: SESSION_COOKIE,
          description: "The portal's session cookie (browser calls; changes must carry the portal's Origin).",
        },
      },
      schemas: { Error: errorSchema },
    },
  };
}
