import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "./env.ts";
import { HttpError } from "./errors.ts";

/**
 * Refuses text that no column can hold, once, before any route runs: a NUL character
 * (Postgres `text` cannot store U+0000), a lone UTF-16 surrogate (JSON `"\ud800"`), or bytes
 * that are not UTF-8 (`%FF` in a form or query string). The answer is a 422 naming the field,
 * so nothing is written and no driver error becomes a 500.
 *
 * Checked: the path, every query parameter, urlencoded and multipart form fields (and text
 * uploads such as `.ics` files), and every key and string inside a JSON body. The body is
 * read through Hono's body cache, so routes read it again as usual.
 */
export function wellFormedText(): MiddlewareHandler<AppEnv> {
  return async function wellFormedText(c, next) {
    const url = new URL(c.req.url);
    const pathProblem = urlencodedProblem(url.pathname, { plusIsSpace: false, pairs: false });
    if (pathProblem) throw malformed("path");
    const queryProblem = urlencodedProblem(url.search.slice(1), { plusIsSpace: true, pairs: true });
    if (queryProblem) throw malformed(queryProblem);
    if (c.req.raw.body) {
      const bodyProblem = await bodyTextProblem(c);
      if (bodyProblem) throw malformed(bodyProblem);
    }
    return next();
  };
}

function malformed(name: string): HttpError {
  const field = name.length > 100 ? `${name.slice(0, 100)}…` : name;
  const message = "contains a character that cannot be stored (a NUL byte, a broken surrogate or invalid UTF-8).";
  return new HttpError(422, `The field “${field}” ${message}`, { fields: { [field]: message } });
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/** Whether `text` can be stored: well-formed UTF-16 and no U+0000. */
export function isStorableText(text: string): boolean {
  return text.isWellFormed() && !text.includes("\u0000");
}

/** The name of the first bad field in the body, or null. Bodies we do not parse are the route's business. */
async function bodyTextProblem(c: Context<AppEnv>): Promise<string | null> {
  const type = (c.req.header("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "application/x-www-form-urlencoded") {
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    const text = decodeStrict(bytes);
    if (text === null) return "body";
    return urlencodedProblem(text, { plusIsSpace: true, pairs: true });
  }
  if (type === "application/json" || type.endsWith("+json")) {
    const text = decodeStrict(new Uint8Array(await c.req.arrayBuffer()));
    if (text === null) return "body";
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return null; // The route answers malformed JSON with its own 400.
    }
    return jsonProblem(json);
  }
  if (type === "multipart/form-data") {
    let form: FormData;
    try {
      form = await c.req.formData();
    } catch {
      return null; // The route answers an unreadable upload with its own 400.
    }
    for (const [name, value] of form.entries() as Iterable<[string, string | File]>) {
      if (!isStorableText(name)) return "a field name";
      if (typeof value === "string") {
        if (!isStorableText(value)) return name;
      } else if (isTextUpload(value) && new Uint8Array(await value.arrayBuffer()).includes(0)) {
        return name;
      }
    }
  }
  return null;
}

function decodeStrict(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

// Uploads read as text (calendars, lists); binary uploads may hold any byte.
function isTextUpload(file: File): boolean {
  return file.type.startsWith("text/") || /\.(ics|ical|ifb|csv|txt|json)$/i.test(file.name);
}

/**
 * Percent-decodes `a=1&b=2` (or one path) byte-wise and names the first key or value that is
 * not storable text. Malformed escapes such as `%zz` stay literal, as browsers and
 * `URLSearchParams` keep them.
 */
function urlencodedProblem(raw: string, options: { plusIsSpace: boolean; pairs: boolean }): string | null {
  if (!raw) return null;
  const parts = options.pairs ? raw.split("&") : [raw];
  for (const part of parts) {
    if (!part) continue;
    const at = options.pairs ? part.indexOf("=") : -1;
    const rawKey = at === -1 ? part : part.slice(0, at);
    const rawValue = at === -1 ? "" : part.slice(at + 1);
    const key = percentDecode(rawKey, options.plusIsSpace);
    if (key === null || !isStorableText(key)) return "a field name";
    const value = percentDecode(rawValue, options.plusIsSpace);
    if (value === null || !isStorableText(value)) return key;
  }
  return null;
}

const hex = /^[0-9a-fA-F]{2}$/;

function percentDecode(raw: string, plusIsSpace: boolean): string | null {
  if (!raw.includes("%")) return plusIsSpace ? raw.replaceAll("+", " ") : raw;
  const source = encoder.encode(plusIsSpace ? raw.replaceAll("+", " ") : raw);
  const bytes = new Uint8Array(source.length);
  let length = 0;
  for (let i = 0; i < source.length; i++) {
    const byte = source[i] as number;
    const pair = byte === 0x25 ? String.fromCharCode(source[i + 1] ?? 0, source[i + 2] ?? 0) : "";
    if (pair && hex.test(pair)) {
      bytes[length++] = Number.parseInt(pair, 16);
      i += 2;
    } else {
      bytes[length++] = byte;
    }
  }
  return decodeStrict(bytes.subarray(0, length));
}

/** The dotted path of the first key or string in a JSON value that is not storable text. */
function jsonProblem(root: unknown): string | null {
  // Iterative, so a deeply nested body cannot overflow the stack.
  const stack: { value: unknown; path: string }[] = [{ value: root, path: "" }];
  while (stack.length) {
    const { value, path } = stack.pop() as { value: unknown; path: string };
    if (typeof value === "string") {
      if (!isStorableText(value)) return path || "body";
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => {
        stack.push({ value: item, path: join(path, String(index)) });
      });
    } else if (value && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) {
        if (!isStorableText(key)) return path ? `${path} (a key)` : "a field name";
        stack.push({ value: item, path: join(path, key) });
      }
    }
  }
  return null;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
