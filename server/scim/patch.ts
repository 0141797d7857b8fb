import { ScimError } from "./errors.ts";

export const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/** One PATCH operation, normalized: lower-case op, path as sent (or undefined). */
export interface PatchOperation {
  op: "add" | "replace" | "remove";
  path: string | undefined;
  value: unknown;
}

/**
 * Reads a PatchOp body (RFC 7644 §3.5.2). Entra ID capitalizes ops ("Replace") and sends
 * booleans as strings ("False"); Okta sends a path-less replace with an object value. Both are
 * accepted here; the resource decides what each path means.
 */
export function patchOperations(body: unknown): PatchOperation[] {
  const b = body as { schemas?: unknown; Operations?: unknown; operations?: unknown } | null;
  if (!b || typeof b !== "object") throw new ScimError(400, "Expected a PatchOp JSON object.", "invalidSyntax");
  const ops = b.Operations ?? b.operations;
  if (!Array.isArray(ops) || ops.length === 0) {
    throw new ScimError(400, "Operations must be a non-empty array.", "invalidSyntax");
  }
  return ops.map((raw, i): PatchOperation => {
    const o = raw as { op?: unknown; path?: unknown; value?: unknown } | null;
    const op = typeof o?.op === "string" ? o.op.toLowerCase() : "";
    if (op !== "add" && op !== "replace" && op !== "remove") {
      throw new ScimError(400, `Operations[${i}].op must be add, replace or remove.`, "invalidSyntax");
    }
    if (o?.path !== undefined && typeof o.path !== "string") {
      throw new ScimError(400, `Operations[${i}].path must be a string.`, "invalidPath");
    }
    if (op !== "remove" && o?.value === undefined) {
      throw new ScimError(400, `Operations[${i}].value is required for ${op}.`, "invalidValue");
    }
    return { op, path: o?.path as string | undefined, value: o?.value };
  });
}

/** A SCIM boolean as providers send it: true/false, or Entra's "True"/"False" strings. */
export function scimBoolean(value: unknown, field: string): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value)) return value.toLowerCase() === "true";
  throw new ScimError(400, `${field} must be true or false.`, "invalidValue");
}

/** A path-less add/replace carries an object of attributes; a pathed one, one attribute. */
export function attributesOf(operation: PatchOperation): [string, unknown][] {
  if (operation.path !== undefined) return [[operation.path, operation.value]];
  if (!operation.value || typeof operation.value !== "object" || Array.isArray(operation.value)) {
    throw new ScimError(400, "An operation without a path needs an object value.", "invalidValue");
  }
  return Object.entries(operation.value as Record<string, unknown>);
}
