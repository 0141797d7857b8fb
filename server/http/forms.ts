import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "./env.ts";
import { type FieldErrors, HttpError } from "./errors.ts";

export type FormValues = Record<string, string | string[]>;

export type FormResult<T> =
  | { ok: true; data: T; values: FormValues }
  | { ok: false; errors: FieldErrors; values: FormValues };

/**
 * Reads a form body (urlencoded or multipart; JSON too, for htmx `json-enc` and scripts) and
 * validates it. A body that cannot be read at all is a 400; a body that reads but fails the
 * schema comes back as field errors for the caller to re-render with a 422.
 */
export async function readForm<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<FormResult<z.output<S>>> {
  const values = await readBody(c);
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data, values };
  return { ok: false, errors: fieldErrors(parsed.error), values };
}

/** The first message per field, keyed by the field's name (`hours.mon` for nested ones). */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".") || "form";
    errors[key] ??= humanMessage(issue);
  }
  return errors;
}

function humanMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type" && (issue.input === undefined || issue.input === ""))
    return "This field is required.";
  if (issue.code === "invalid_type") return `Expected ${issue.expected}.`;
  return issue.message;
}

async function readBody(c: Context<AppEnv>): Promise<FormValues> {
  const type = (c.req.header("Content-Type") ?? "").toLowerCase();
  try {
    if (type.startsWith("application/json")) {
      const json: unknown = await c.req.json();
      if (!json || typeof json !== "object" || Array.isArray(json)) throw new HttpError(400, "Expected a JSON object.");
      return Object.fromEntries(
        Object.entries(json as Record<string, unknown>).map(([k, v]) => [
          k,
          Array.isArray(v) ? v.map(String) : String(v ?? ""),
        ]),
      );
    }
    if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data") || type === "") {
      const body = await c.req.parseBody({ all: true });
      const values: FormValues = {};
      for (const [key, value] of Object.entries(body)) {
        if (Array.isArray(value)) values[key] = value.filter((v): v is string => typeof v === "string");
        else if (typeof value === "string") values[key] = value;
      }
      return values;
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, "The request body could not be read.", { cause: error });
  }
  throw new HttpError(415, "Send the form as application/x-www-form-urlencoded, multipart/form-data or JSON.");
}

/** A value from a form that may be a list (`<select multiple>`, repeated checkboxes). */
export function listOf(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Form text: trimmed, required. */
export const text = (label: string, max = 200) =>
  z
    .string({ error: `${label} is required.` })
    .trim()
    .min(1, `${label} is required.`)
    .max(max, `${label} must be at most ${max} characters.`);

export const email = () =>
  z
    .string({ error: "Email is required." })
    .trim()
    .toLowerCase()
    .max(254, "Email must be at most 254 characters.")
    .pipe(z.email("Enter an email address like name@example.com."));

const timeZones = new Set(Intl.supportedValuesOf("timeZone"));
timeZones.add("UTC");

export function isTimeZone(value: string): boolean {
  return timeZones.has(value);
}

export const timeZoneList: readonly string[] = [...timeZones].sort();

export const timeZone = () =>
  z
    .string({ error: "Time zone is required." })
    .trim()
    .refine(isTimeZone, "Choose a time zone from the list (an IANA name such as Europe/Berlin).");
