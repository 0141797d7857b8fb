import { raw, type SafeHtml } from "./html/escape.ts";
import type { Child } from "./html/jsx-runtime.ts";

export interface FieldProps {
  label: string;
  name: string;
  type?: string;
  value?: string | number | null | undefined;
  error?: string | undefined;
  hint?: string;
  required?: boolean;
  autocomplete?: string;
  placeholder?: string;
  min?: string;
  max?: string;
  list?: string;
}

/** A labelled input with its hint and error, wired for screen readers. */
export function Field(props: FieldProps): SafeHtml {
  const id = `f-${props.name}`;
  const describedBy = [props.hint ? `${id}-hint` : "", props.error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div class={props.error ? "field has-error" : "field"}>
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.value ?? undefined}
        required={props.required}
        autocomplete={props.autocomplete}
        placeholder={props.placeholder}
        min={props.min}
        max={props.max}
        list={props.list}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={describedBy || undefined}
      />
      {props.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p class="field-error" id={`${id}-error`}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

export interface SelectProps {
  label: string;
  name: string;
  options: readonly (string | { value: string; label: string })[];
  value?: string | undefined;
  error?: string | undefined;
  hint?: string;
}

export function Select(props: SelectProps): SafeHtml {
  const id = `f-${props.name}`;
  return (
    <div class={props.error ? "field has-error" : "field"}>
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name} aria-invalid={props.error ? "true" : undefined}>
        {props.options.map((o) => {
          const option = typeof o === "string" ? { value: o, label: o } : o;
          return (
            <option value={option.value} selected={option.value === props.value}>
              {option.label}
            </option>
          );
        })}
      </select>
      {props.hint ? <p class="hint">{props.hint}</p> : null}
      {props.error ? <p class="field-error">{props.error}</p> : null}
    </div>
  );
}

/** The summary above a form that failed validation. */
export function FormErrors(props: { errors?: Record<string, string> | undefined; message?: string }): SafeHtml {
  const count = props.errors ? Object.keys(props.errors).length : 0;
  if (!count && !props.message) return raw("");
  return (
    <div class="alert alert-error" role="alert">
      {props.message ?? `Please fix ${count === 1 ? "the field" : `the ${count} fields`} marked below.`}
    </div>
  );
}

/** What a list shows when it has nothing yet: say why, and what to do next. */
export function EmptyState(props: { title: string; children?: Child }): SafeHtml {
  return (
    <div class="empty">
      <p class="empty-title">{props.title}</p>
      {props.children}
    </div>
  );
}

/** A POST form with a single button, for actions such as "revoke" or "log out". */
export function ActionButton(props: {
  action: string;
  label: string;
  danger?: boolean;
  confirm?: string;
  fields?: Record<string, string>;
}): SafeHtml {
  return (
    <form method="post" action={props.action} class="inline-form" data-confirm={props.confirm}>
      {Object.entries(props.fields ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit" class={props.danger ? "button button-danger button-small" : "button button-small"}>
        {props.label}
      </button>
    </form>
  );
}

export function PageHeader(props: { title: string; children?: Child }): SafeHtml {
  return (
    <header class="page-header">
      <h1>{props.title}</h1>
      {props.children ? <div class="page-actions">{props.children}</div> : null}
    </header>
  );
}

/** "Ada Lovelace" → "AL"; one letter for a one-word name. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = words[0] ?? "?";
  const last = words.length > 1 ? (words[words.length - 1] as string) : "";
  return (Array.from(first)[0] ?? "?").toUpperCase() + (Array.from(last)[0] ?? "").toUpperCase();
}

/** One of eight tints, stable for a name, so a person keeps their colour on every page. */
function avatarTint(name: string): number {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return hash % 8;
}

/** A person's initials in a tinted circle. Decorative: the name is always written beside it. */
export function Avatar(props: { name: string; size?: "small" }): SafeHtml {
  const size = props.size === "small" ? " avatar-small" : "";
  return (
    <span class={`avatar avatar-${avatarTint(props.name)}${size}`} aria-hidden="true">
      {initials(props.name)}
    </span>
  );
}
