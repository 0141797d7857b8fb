import { asc, eq } from "drizzle-orm";
import { type DbOrTx, formatInstant, people, type SafeHtml, teams, type WritingHint } from "../../server/plugin-api.ts";

/** What a component may wrap. */
export type Children = SafeHtml | string | number | null | undefined | false | Children[];

/** The plugin's own sub-navigation, on every briefs page. */
export function BriefsNav(props: { current: "briefs" | "interviews" | "decisions" }): SafeHtml {
  const link = (href: string, key: typeof props.current, label: string) => (
    <a href={href} aria-current={props.current === key ? "page" : undefined}>
      {label}
    </a>
  );
  return (
    <nav class="tabs" aria-label="Briefs sections">
      {link("/briefs", "briefs", "Kickoff briefs")}
      {link("/briefs/interviews", "interviews", "Hiring debriefs")}
      {link("/briefs/decisions", "decisions", "Decisions log")}
    </nav>
  );
}

export function When(props: { at: Date; timeZone: string }): SafeHtml {
  return <time datetime={props.at.toISOString()}>{formatInstant(props.at, props.timeZone)}</time>;
}

/** Writing-linter hints; an empty list says so, because hints are shown live as people type. */
export function LintHints(props: { hints: WritingHint[]; text: string }): SafeHtml {
  if (!props.hints.length) return <p class="muted small">No writing hints.</p>;
  return (
    <ul class="briefs-hints plain-list">
      {props.hints.map((h) => (
        <li class={h.severity === "warning" ? "briefs-hint briefs-hint-warning" : "briefs-hint"}>
          <strong>{h.severity === "warning" ? "Warning" : "Hint"}:</strong> {h.message}
          {h.start !== undefined && h.end !== undefined && h.end > h.start ? (
            <q class="muted small"> {props.text.slice(h.start, Math.min(h.end, h.start + 120))}</q>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

export interface Option {
  id: string;
  name: string;
}

export async function activePeopleOptions(db: DbOrTx): Promise<Option[]> {
  return db
    .select({ id: people.id, name: people.name })
    .from(people)
    .where(eq(people.status, "active"))
    .orderBy(asc(people.name))
    .limit(1000);
}

export async function teamOptions(db: DbOrTx): Promise<Option[]> {
  return db.select({ id: teams.id, name: teams.name }).from(teams).orderBy(asc(teams.name)).limit(500);
}

/** A labelled multi-select of people, with its error. */
/**
 * Several people out of many: a list of checkboxes with a type-ahead filter above it. Without
 * script it is a plain checkbox list; app.js reveals the filter (see .picker in app.css).
 */
export function PeoplePicker(props: {
  label: string;
  name: string;
  options: Option[];
  selected: string[];
  error?: string | undefined;
  hint?: string;
}): SafeHtml {
  const id = `f-${props.name}`;
  const describedBy = [props.hint ? `${id}-hint` : "", props.error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <fieldset
      class={props.error ? "field picker has-error" : "field picker"}
      id={id}
      aria-describedby={describedBy || undefined}
    >
      <legend>{props.label}</legend>
      <input
        type="search"
        class="picker-filter"
        placeholder="Type a name to filter"
        aria-label={`Filter ${props.label.toLowerCase()}`}
        aria-controls={`${id}-list`}
        autocomplete="off"
        hidden
      />
      <ul class="picker-list" id={`${id}-list`}>
        {props.options.map((o) => (
          <li>
            <label class="checkbox">
              <input type="checkbox" name={props.name} value={o.id} checked={props.selected.includes(o.id)} />
              {o.name}
            </label>
          </li>
        ))}
      </ul>
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
    </fieldset>
  );
}

export function TextArea(props: {
  label: string;
  name: string;
  value?: string | undefined;
  error?: string | undefined;
  rows?: number;
  hint?: string;
  attrs?: Record<string, string>;
}): SafeHtml {
  const id = `f-${props.name}`;
  return (
    <div class={props.error ? "field has-error" : "field"}>
      <label for={id}>{props.label}</label>
      <textarea id={id} name={props.name} rows={String(props.rows ?? 4)} {...(props.attrs ?? {})}>
        {props.value ?? ""}
      </textarea>
      {props.hint ? <p class="hint">{props.hint}</p> : null}
      {props.error ? <p class="field-error">{props.error}</p> : null}
    </div>
  );
}

export function Card(props: { title: string; id: string; children?: Children }): SafeHtml {
  return (
    <section class="card" aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      {props.children}
    </section>
  );
}

/** Form values as plain strings (the first of repeated values), to refill a form. */
export function formValues(values: Record<string, string | string[]>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Array.isArray(v) ? (v[0] ?? "") : v]));
}

/** A possibly repeated form value as a list. */
export function listValue(value: string | string[] | undefined): string[] {
  if (value === undefined || value === "") return [];
  return Array.isArray(value) ? value : [value];
}
