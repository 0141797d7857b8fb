import { ActionButton, EmptyState, Field, FormErrors } from "../../views/components.tsx";
import { formatInstant } from "../../views/format.ts";
import type { SafeHtml } from "../../views/html/escape.ts";
import type { FieldErrors } from "../http/errors.ts";
import type { FormValues } from "../http/forms.ts";
import type { OutOfOfficePeriod } from "./out-of-office.ts";

export interface OutOfOfficeSectionProps {
  /** Current and upcoming periods, from `outOfOfficeFor`. */
  periods: OutOfOfficePeriod[];
  /** The person's zone: times are shown and entered in it. */
  timeZone: string;
  /** Where the add form posts; each period is deleted at `${action}/<id>/delete`. */
  action: string;
  now: Date;
  values?: FormValues;
  errors?: FieldErrors;
}

/**
 * Out-of-office periods with an add form and a delete button per period. Shared by the admin
 * person page and the profile page; each passes its own `action`.
 */
export function OutOfOfficeSection(props: OutOfOfficeSectionProps): SafeHtml {
  const errors = props.errors ?? {};
  const v = (k: string): string => String(props.values?.[k] ?? "");
  return (
    <section class="card" aria-labelledby="ooo-title" id="out-of-office">
      <h2 id="ooo-title">Out of office</h2>
      <p class="muted small">Times are in {props.timeZone}.</p>
      {props.periods.length ? (
        <ul class="plain-list ooo-list">
          {props.periods.map((p) => (
            <li>
              <span>
                {formatInstant(p.startsAt, props.timeZone)} – {formatInstant(p.endsAt, props.timeZone)}
                {p.startsAt <= props.now ? <span class="badge badge-accent">Now</span> : null}
                {p.note ? <span class="muted"> · {p.note}</span> : null}
              </span>
              <ActionButton
                action={`${props.action}/${p.id}/delete`}
                label="Delete"
                danger
                confirm="Delete this out-of-office period?"
              />
            </li>
          ))}
        </ul>
      ) : (
        <EmptyState title="No out-of-office periods planned." />
      )}
      <h3>Add a period</h3>
      <FormErrors errors={props.errors} />
      <form method="post" action={props.action} class="stack" novalidate>
        <div class="row">
          <Field
            label="Starts"
            name="startsAt"
            type="datetime-local"
            value={v("startsAt")}
            error={errors.startsAt}
            required
          />
          <Field label="Ends" name="endsAt" type="datetime-local" value={v("endsAt")} error={errors.endsAt} required />
        </div>
        <Field label="Note" name="note" value={v("note")} error={errors.note} hint="Optional, e.g. “Parental leave”." />
        <div>
          <button type="submit">Add out-of-office period</button>
        </div>
      </form>
    </section>
  );
}
