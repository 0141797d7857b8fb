import type { z } from "zod";
import type { Access } from "../http/access.ts";

/** HTTP methods an API endpoint may answer. */
export type EndpointMethod = "get" | "post" | "put" | "patch" | "delete";

/**
 * What an API endpoint declares about itself: enough to route it, check who may call it,
 * validate its input and describe it in the OpenAPI document. The zod schemas that validate a
 * request are the ones the document is generated from, so the two cannot drift apart.
 */
export interface EndpointSpec<
  B extends z.ZodType | undefined = z.ZodType | undefined,
  R extends z.ZodType = z.ZodType,
  Q extends z.ZodObject | undefined = z.ZodObject | undefined,
> {
  method: EndpointMethod;
  /** Relative to the owner's prefix (`/api/<plugin-id>`), Hono syntax: `/updates/:id`. */
  path: string;
  /**
   * The API-token scope a call needs: `"read"` for reads, `"<resource>:write"` for changes
   * (`"updates:write"`). A token with the legacy `write` scope has every scope.
   */
  scope: string;
  /** Who may call it, checked before the body is read (the same rules as pages). */
  access: Access;
  /** One line for the docs, e.g. "Post your status update". */
  summary: string;
  /** Longer Markdown-free text for the docs page: rules, side effects, errors. */
  description?: string;
  /** Path parameters, described for the docs (each is a string in the path). */
  params?: Record<string, string>;
  /** Query parameters, validated (a 422 naming the parameter otherwise). */
  query?: Q;
  /** The JSON request body, validated (400 for malformed JSON, 422 naming the field otherwise). */
  body?: B;
  /** The JSON response body; what the handler returns is checked against it and stripped to it. */
  response: R;
  /** The success status (default 200; 201 for endpoints that create something). */
  status?: 200 | 201;
}

/** What an endpoint's handler receives besides the services: the validated input. */
export interface EndpointInput<B extends z.ZodType | undefined, Q extends z.ZodObject | undefined> {
  body: B extends z.ZodType ? z.output<B> : undefined;
  query: Q extends z.ZodObject ? z.output<Q> : Record<string, never>;
  params: Record<string, string>;
}

/** The part of a spec the route registry keeps for the OpenAPI document and the docs page. */
export type EndpointDoc = Omit<EndpointSpec, "path"> & { path: string };
