import { z } from "zod";
import { Field, Select } from "../../views/components.tsx";
import type { SafeHtml } from "../../views/html/escape.ts";
import type { FieldErrors } from "../http/errors.ts";
import { type FormValues, fieldErrors } from "../http/forms.ts";

/** One settings field as the admin form shows it, derived from the plugin's zod schema. */
export interface SettingsField {
  name: string;
  label: string;
  help?: string;
  kind: "text" | "number" | "boolean" | "choice";
  options?: string[];
  min?: number;
  max?: number;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodDefault || s instanceof z.ZodOptional || s instanceof z.ZodNullable) {
    s = s.unwrap() as z.ZodType;
  }
  return s;
}

function humanize(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Describes a settings schema as form fields. Labels come from `.meta({ title })` or the key;
 * help text from `.describe()`. Strings, numbers, booleans and enums are supported.
 */
export function settingsFields(schema: z.ZodType): SettingsField[] {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => {
    const inner = unwrap(field);
    const meta = (field.meta() ?? inner.meta() ?? {}) as { title?: string };
    const help = field.description ?? inner.description;
    const base = { name, label: meta.title ?? humanize(name), ...(help ? { help } : {}) };
    if (inner instanceof z.ZodBoolean) return { ...base, kind: "boolean" };
    if (inner instanceof z.ZodEnum) return { ...base, kind: "choice", options: inner.options.map(String) };
    if (inner instanceof z.ZodNumber) {
      return {
        ...base,
        kind: "number",
        ...(inner.minValue !== null && Number.isFinite(inner.minValue) ? { min: inner.minValue } : {}),
        ...(inner.maxValue !== null && Number.isFinite(inner.maxValue) ? { max: inner.maxValue } : {}),
      };
    }
    return { ...base, kind: "text" };
  });
}

/** Reads submitted form values into typed settings, or field errors. Unknown fields are ignored. */
export function parseSettings(
  schema: z.ZodType,
  values: FormValues,
): { ok: true; settings: Record<string, unknown> } | { ok: false; errors: FieldErrors } {
  const input: Record<string, unknown> = {};
  for (const field of settingsFields(schema)) {
    const raw = values[field.name];
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (field.kind === "boolean") input[field.name] = value === "on" || value === "true";
    else if (field.kind === "number")
      input[field.name] = value === undefined || value.trim() === "" ? undefined : Number(value);
    else if (value !== undefined) input[field.name] = value;
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  return { ok: true, settings: parsed.data as Record<string, unknown> };
}

export function SettingsInputs(props: {
  schema: z.ZodType;
  values: Record<string, unknown>;
  errors: FieldErrors;
}): SafeHtml {
  const fields = settingsFields(props.schema);
  return (
    <>
      {fields.map((f) => {
        const value = props.values[f.name];
        const error = props.errors[f.name];
        if (f.kind === "boolean") {
          return (
            <div class={error ? "field has-error" : "field"}>
              <label class="checkbox">
                <input type="checkbox" name={f.name} checked={value === true} /> {f.label}
              </label>
              {f.help ? <p class="hint">{f.help}</p> : null}
              {error ? <p class="field-error">{error}</p> : null}
            </div>
          );
        }
        if (f.kind === "choice") {
          return (
            <Select
              label={f.label}
              name={f.name}
              options={f.options ?? []}
              value={String(value ?? "")}
              error={error}
              {...(f.help ? { hint: f.help } : {})}
            />
          );
        }
        return (
          <Field
            label={f.label}
            name={f.name}
            type={f.kind === "number" ? "number" : "text"}
            value={value === undefined || value === null ? "" : String(value)}
            error={error}
            {...(f.help ? { hint: f.help } : {})}
            {...(f.min !== undefined ? { min: String(f.min) } : {})}
            {...(f.max !== undefined ? { max: String(f.max) } : {})}
          />
        );
      })}
    </>
  );
}
