import type { Context, Handler } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../http/env.ts";
import { HttpError } from "../http/errors.ts";
import { fieldErrors } from "../http/forms.ts";
import type { EndpointInput, EndpointSpec } from "./spec.ts";

/**
 * Reads a JSON body with a schema: not JSON is a 415, malformed JSON a 400, a body that fails
 * the schema a 422 whose message names the first field and whose `fields` name them all.
 */
export async function readJsonBody<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.output<S>> {
  if (!(c.req.header("Content-Type") ?? "").toLowerCase().startsWith("application/json"))
    throw new HttpError(415, "Send JSON with Content-Type: application/json.");
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new HttpError(400, "The body is not valid JSON.");
  }
  return validated(schema, body, "body");
}

function validated<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fields = fieldErrors(parsed.error);
  const [field, message] = Object.entries(fields)[0] ?? [what, "unexpected value"];
  const name = field === "form" ? what : field;
  throw new HttpError(422, `Invalid ${name}: ${message.replace(/\.$/, "")}.`, { fields });
}

/**
 * The Hono handler of an endpoint: validates the query and body, runs `run`, and answers the
 * result as JSON after checking it against the declared response schema (which also strips
 * anything the schema does not list, so a handler cannot leak a column by accident).
 */
export function endpointHandler<
  B extends z.ZodType | undefined,
  R extends z.ZodType,
  Q extends z.ZodObject | undefined,
>(
  spec: EndpointSpec<B, R, Q>,
  run: (input: EndpointInput<B, Q>, c: Context<AppEnv>) => Promise<z.input<R>>,
): Handler<AppEnv> {
  return async function endpoint(c) {
    const query = spec.query ? validated(spec.query, c.req.query(), "query") : {};
    const body = spec.body ? await readJsonBody(c, spec.body) : undefined;
    const input = { body, query, params: c.req.param() as Record<string, string> } as EndpointInput<B, Q>;
    const result = spec.response.safeParse(await run(input, c));
    if (!result.success) {
      throw new Error(`${spec.method.toUpperCase()} ${spec.path} answered outside its response schema`, {
        cause: result.error,
      });
    }
    return c.json(result.data as object, spec.status ?? 200);
  };
}
