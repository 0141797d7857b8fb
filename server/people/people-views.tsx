import { ActionButton, EmptyState, Field, FormErrors, PageHeader, Select } from "../../views/components.tsx";
import { formatClock } from "../../views/format.ts";
import type { SafeHtml } from "../../views/html/escape.ts";
import type { Viewer } from "../http/env.ts";
import type { FieldErrors } from "../http/errors.ts";
import { type FormValues, timeZoneList } from "../http/forms.ts";
import type { OutOfOfficePeriod } from "./out-of-office.ts";
import { OutOfOfficeSection } from "./out-of-office-view.tsx";
import type { Person } from "./people.ts";
import { canEditPerson, grantableRoles, type PeopleFilter, type PersonListRow } from "./people-admin.ts";
import { type Role, weekdays } from "./schema.ts";
import { weekdayLabels } from "./working-hours.ts";

const roleLabels: Record<Role, string> = { owner: "Owner", admin: "Admin", manager: "Manager", member: "Member" };

/** The `<datalist>` of IANA zones that time-zone inputs point at with `list="time-zones"`. */
export function TimeZoneOptions(): SafeHtml {
  return (
    <datalist id="time-zones">
      {timeZoneList.map((tz) => (
        <option value={tz} />
      ))}
    </datalist>
  );
}

export function StatusBadge(props: { status: "active" | "deactivated" }): SafeHtml {
  return props.status === "active" ? (
    <span class="badge badge-success">Active</span>
  ) : (
    <span class="badge badge-danger">Deactivated</span>
  );
}

const filterLabels: Record<PeopleFilter, string> = { active: "Active", deactivated: "Deactivated", all: "Everyone" };

export function PeopleListPage(props: {
  people: PersonListRow[];
  filter: PeopleFilter;
  /** 1-based. */
  page: number;
  hasMore: boolean;
}): SafeHtml {
  const pageHref = (n: number): string => `/admin/people?status=${props.filter}${n > 1 ? `&page=${n}` : ""}`;
  return (
    <>
      <PageHeader title="People">
        <a class="button button-secondary" href="/admin/teams">
          Manage teams
        </a>
      </PageHeader>
      <nav aria-label="Filter people by status" class="filter-tabs">
        <ul>
          {(Object.keys(filterLabels) as PeopleFilter[]).map((f) => (
            <li>
              <a href={`/admin/people?status=${f}`} aria-current={f === props.filter ? "page" : undefined}>
                {filterLabels[f]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {props.people.length ? (
        <div class="table-wrap">
          <table class="table-cards">
            <caption class="visually-hidden">
              {filterLabels[props.filter]} people, page {String(props.page)}
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Time zone</th>
                <th scope="col">Teams</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {props.people.map((p) => (
                <tr>
                  <th scope="row" class="cell-name">
                    <a href={`/admin/people/${p.id}`}>{p.name}</a>
                  </th>
                  <td data-label="Email">{p.email}</td>
                  <td data-label="Role">{roleLabels[p.role]}</td>
                  <td data-label="Time zone">{p.timeZone}</td>
                  <td data-label="Teams">
                    {p.teamNames.length ? p.teamNames.join(", ") : <span class="muted">No team</span>}
                  </td>
                  <td data-label="Status">
                    <StatusBadge status={p.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {props.page > 1 || props.hasMore ? (
            <nav aria-label="Pages of people" class="pager">
              {props.page > 1 ? <a href={pageHref(props.page - 1)}>Previous</a> : null}{" "}
              <span class="muted">Page {String(props.page)}</span>{" "}
              {props.hasMore ? <a href={pageHref(props.page + 1)}>Next</a> : null}
            </nav>
          ) : null}
        </div>
      ) : (
        <EmptyState title={props.filter === "deactivated" ? "Nobody is deactivated." : "No people here yet."}>
          <p>
            {props.filter === "deactivated" ? (
              "People you deactivate keep their history and show up here."
            ) : (
              <>
                Invite people from <a href="/admin/invites">Invites</a>; they appear here once they accept.
              </>
            )}
          </p>
        </EmptyState>
      )}
    </>
  );
}

/** Form values for a person as stored, the same shape a submitted form has. */
export function personFormValues(person: Person): FormValues {
  const values: FormValues = {
    name: person.name,
    email: person.email,
    role: person.role,
    timeZone: person.timeZone,
    startDate: person.startDate ?? "",
    status: person.status,
  };
  for (const day of weekdays) {
    const [first] = person.workingHours[day] ?? [];
    if (first) values[`hours.${day}.on`] = "on";
    values[`hours.${day}.start`] = first?.[0] ?? "09:00";
    values[`hours.${day}.end`] = first?.[1] ?? "17:00";
  }
  return values;
}

function WorkingHoursFields(props: { values: FormValues; errors: FieldErrors; disabled?: boolean }): SafeHtml {
  const v = (k: string): string => String(props.values[k] ?? "");
  return (
    <fieldset>
      <legend>Working hours</legend>
      <p class="hint" id="hours-hint">
        Tick the days this person works; times are in their own time zone.
      </p>
      <div class="hours-grid">
        {weekdays.map((day) => {
          const label = weekdayLabels[day];
          const error = props.errors[`hours.${day}`];
          return (
            <>
              <label class="checkbox" for={`hours-${day}-on`}>
                <input
                  type="checkbox"
                  id={`hours-${day}-on`}
                  name={`hours.${day}.on`}
                  value="on"
                  checked={Boolean(v(`hours.${day}.on`))}
                  aria-describedby="hours-hint"
                />
                <abbr title={label}>{label.slice(0, 3)}</abbr>
              </label>
              <input
                type="time"
                name={`hours.${day}.start`}
                value={v(`hours.${day}.start`)}
                aria-label={`${label} start`}
                aria-invalid={error ? "true" : undefined}
              />
              <input
                type="time"
                name={`hours.${day}.end`}
                value={v(`hours.${day}.end`)}
                aria-label={`${label} end`}
                aria-invalid={error ? "true" : undefined}
              />
              <span class="field-error">{error ?? ""}</span>
            </>
          );
        })}
      </div>
    </fieldset>
  );
}

export interface PersonPageProps {
  person: Person;
  viewer: Viewer;
  values: FormValues;
  errors: FieldErrors;
  /** A refusal to show above the form (e.g. the last owner cannot be demoted). */
  message?: string | undefined;
  ooo: { periods: OutOfOfficePeriod[]; values?: FormValues; errors?: FieldErrors };
  now: Date;
}

export function PersonPage(props: PersonPageProps): SafeHtml {
  const { person, viewer, errors } = props;
  const v = (k: string): string => String(props.values[k] ?? "");
  const editable = canEditPerson(viewer, person);
  const self = viewer.id === person.id;
  // Owners may step down; everyone else keeps their role when editing themselves.
  const roleFixed = self && person.role !== "owner";
  const roleOptions = grantableRoles(viewer).map((r) => ({ value: r, label: roleLabels[r] }));
  return (
    <>
      <PageHeader title={person.name}>
        <a class="button button-secondary" href="/admin/people">
          All people
        </a>
        {editable && !self ? (
          <ActionButton
            action={`/admin/people/${person.id}/two-factor/reset`}
            label="Reset two-factor"
            confirm={`Turn off two-factor for ${person.name} (a lost phone)? They can set it up again.`}
          />
        ) : null}
      </PageHeader>
      <p class="muted">
        <StatusBadge status={person.status} /> {roleLabels[person.role]} · local time{" "}
        {formatClock(props.now, person.timeZone)} ({person.timeZone})
      </p>
      <div class="split align-start">
        <section class="card" aria-labelledby="details-title">
          <h2 id="details-title">Details</h2>
          {editable ? null : <p class="alert alert-info">Only an owner can edit an owner.</p>}
          <FormErrors errors={errors} message={props.message} />
          <form method="post" action={`/admin/people/${person.id}`} class="stack person-form" novalidate>
            <fieldset class="bare" disabled={!editable}>
              <legend class="visually-hidden">Details of {person.name}</legend>
              <div class="stack-inner">
                <Field label="Name" name="name" value={v("name")} error={errors.name} required autocomplete="off" />
                <Field
                  label="Email"
                  name="email"
                  type="email"
                  value={v("email")}
                  error={errors.email}
                  required
                  autocomplete="off"
                />
                {roleFixed ? (
                  <div class="field">
                    <span class="label">Role</span>
                    <input type="hidden" name="role" value={person.role} />
                    <p>
                      {roleLabels[person.role]} <span class="hint">— you cannot change your own role.</span>
                    </p>
                  </div>
                ) : (
                  <Select
                    label="Role"
                    name="role"
                    options={editable ? roleOptions : [{ value: person.role, label: roleLabels[person.role] }]}
                    value={v("role")}
                    error={errors.role}
                    hint={viewer.role === "owner" ? undefined : "Only an owner can make someone an owner."}
                  />
                )}
                <Field
                  label="Time zone"
                  name="timeZone"
                  value={v("timeZone")}
                  error={errors.timeZone}
                  list="time-zones"
                  hint="An IANA name such as Europe/Berlin."
                  required
                />
                <TimeZoneOptions />
                <WorkingHoursFields values={props.values} errors={errors} />
                <Field
                  label="Start date"
                  name="startDate"
                  type="date"
                  value={v("startDate")}
                  error={errors.startDate}
                />
                {self ? (
                  <input type="hidden" name="status" value={person.status} />
                ) : (
                  <Select
                    label="Status"
                    name="status"
                    options={[
                      { value: "active", label: "Active" },
                      { value: "deactivated", label: "Deactivated (signs them out everywhere)" },
                    ]}
                    value={v("status")}
                    error={errors.status}
                  />
                )}
                {editable ? (
                  <div>
                    <button type="submit">Save changes</button>
                  </div>
                ) : null}
              </div>
            </fieldset>
          </form>
        </section>
        <OutOfOfficeSection
          periods={props.ooo.periods}
          timeZone={person.timeZone}
          action={`/admin/people/${person.id}/ooo`}
          now={props.now}
          {...(props.ooo.values ? { values: props.ooo.values } : {})}
          {...(props.ooo.errors ? { errors: props.ooo.errors } : {})}
        />
      </div>
    </>
  );
}
