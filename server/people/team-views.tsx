import { ActionButton, EmptyState, Field, FormErrors, PageHeader, Select } from "../../views/components.tsx";
import { formatClock, formatDate } from "../../views/format.ts";
import type { SafeHtml } from "../../views/html/escape.ts";
import type { FieldErrors } from "../http/errors.ts";
import type { FormValues } from "../http/forms.ts";
import { StatusBadge, TimeZoneOptions } from "./people-views.tsx";
import type { TeamHoliday, TeamListRow } from "./team-admin.ts";
import type { Team, TeamMember, TeamSummary } from "./teams.ts";

export interface FormState {
  values: FormValues;
  errors: FieldErrors;
}

export const emptyForm: FormState = { values: {}, errors: {} };

function TeamFields(props: { form: FormState; defaults?: { name: string; timeZone: string } }): SafeHtml {
  const v = (k: "name" | "timeZone"): string => String(props.form.values[k] ?? props.defaults?.[k] ?? "");
  return (
    <>
      <Field label="Name" name="name" value={v("name")} error={props.form.errors.name} required autocomplete="off" />
      <Field
        label="Time zone"
        name="timeZone"
        value={v("timeZone")}
        error={props.form.errors.timeZone}
        list="time-zones"
        hint="Where the team's day is counted, e.g. Europe/Berlin."
        required
      />
      <TimeZoneOptions />
    </>
  );
}

export function TeamsAdminPage(props: { teams: TeamListRow[]; form: FormState }): SafeHtml {
  return (
    <>
      <PageHeader title="Teams" />
      <div class="split align-start">
        <section aria-labelledby="teams-title">
          <h2 id="teams-title" class="visually-hidden">
            All teams
          </h2>
          {props.teams.length ? (
            <div class="table-wrap">
              <table class="table-cards">
                <thead>
                  <tr>
                    <th scope="col">Team</th>
                    <th scope="col">Time zone</th>
                    <th scope="col">Members</th>
                    <th scope="col">Managers</th>
                  </tr>
                </thead>
                <tbody>
                  {props.teams.map((t) => (
                    <tr>
                      <th scope="row" class="cell-name">
                        <a href={`/admin/teams/${t.id}`}>{t.name}</a>
                      </th>
                      <td data-label="Time zone">{t.timeZone}</td>
                      <td data-label="Members">{t.memberCount}</td>
                      <td data-label="Managers">
                        {t.managerNames.length ? t.managerNames.join(", ") : <span class="muted">No manager yet</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <EmptyState title="No teams yet.">
              <p>Create the first team with the form; then add its members and managers.</p>
            </EmptyState>
          )}
        </section>
        <section class="card" aria-labelledby="create-team-title">
          <h2 id="create-team-title">New team</h2>
          <FormErrors errors={props.form.errors} />
          <form method="post" action="/admin/teams" class="stack" novalidate>
            <TeamFields form={props.form} defaults={{ name: "", timeZone: "UTC" }} />
            <div>
              <button type="submit">Create team</button>
            </div>
          </form>
        </section>
      </div>
    </>
  );
}

export interface TeamAdminProps {
  team: Team;
  members: TeamMember[];
  candidates: { id: string; name: string; email: string }[];
  holidays: TeamHoliday[];
  teamForm: FormState;
  memberForm: FormState;
  holidayForm: FormState;
}

export function TeamAdminPage(props: TeamAdminProps): SafeHtml {
  const { team } = props;
  const base = `/admin/teams/${team.id}`;
  return (
    <>
      <PageHeader title={team.name}>
        <a class="button button-secondary" href={`/teams/${team.id}`}>
          Team page
        </a>
        <a class="button button-secondary" href="/admin/teams">
          All teams
        </a>
      </PageHeader>
      <div class="split align-start team-admin-split">
        <div>
          <section aria-labelledby="members-title">
            <h2 id="members-title">Members</h2>
            {props.members.length ? (
              <div class="table-wrap">
                <table class="table-cards">
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Time zone</th>
                      <th scope="col">Manager</th>
                      <th scope="col">
                        <span class="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {props.members.map((m) => (
                      <tr>
                        <th scope="row" class="cell-name">
                          <a href={`/admin/people/${m.id}`}>{m.name}</a>{" "}
                          {m.status === "active" ? null : <StatusBadge status={m.status} />}
                          <div class="muted small">{m.email}</div>
                        </th>
                        <td data-label="Time zone">{m.timeZone}</td>
                        <td data-label="Manager">
                          {m.isManager ? <span class="badge badge-accent">Manager</span> : "—"}
                        </td>
                        <td class="actions member-actions">
                          <ActionButton
                            action={`${base}/members/${m.id}/manager`}
                            label={m.isManager ? "Remove as manager" : "Make manager"}
                            fields={{ isManager: m.isManager ? "false" : "true" }}
                          />{" "}
                          <ActionButton
                            action={`${base}/members/${m.id}/remove`}
                            label="Remove"
                            danger
                            confirm={`Remove ${m.name} from ${team.name}?`}
                          />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : (
              <EmptyState title="Nobody is on this team yet.">
                <p>Add the first member below.</p>
              </EmptyState>
            )}
          </section>
          <section class="card section-gap" aria-labelledby="add-member-title">
            <h2 id="add-member-title">Add a member</h2>
            {props.candidates.length ? (
              <>
                <FormErrors errors={props.memberForm.errors} />
                <form method="post" action={`${base}/members`} class="stack" novalidate>
                  <Select
                    label="Person"
                    name="personId"
                    options={[
                      { value: "", label: "Choose a person…" },
                      ...props.candidates.map((p) => ({ value: p.id, label: `${p.name} (${p.email})` })),
                    ]}
                    value={String(props.memberForm.values.personId ?? "")}
                    error={props.memberForm.errors.personId}
                  />
                  <label class="checkbox" for="member-manager">
                    <input
                      type="checkbox"
                      id="member-manager"
                      name="manager"
                      value="on"
                      checked={Boolean(props.memberForm.values.manager)}
                    />
                    Manager of this team
                  </label>
                  <div>
                    <button type="submit">Add member</button>
                  </div>
                </form>
              </>
            ) : (
              <p class="muted">Every active person is already on this team.</p>
            )}
          </section>
        </div>
        <div>
          <section class="card" aria-labelledby="team-settings-title">
            <h2 id="team-settings-title">Name and time zone</h2>
            <FormErrors errors={props.teamForm.errors} />
            <form method="post" action={base} class="stack" novalidate>
              <TeamFields form={props.teamForm} defaults={{ name: team.name, timeZone: team.timeZone }} />
              <div>
                <button type="submit">Save team</button>
              </div>
            </form>
          </section>
          <section class="card" aria-labelledby="holidays-title">
            <h2 id="holidays-title">Holidays</h2>
            {props.holidays.length ? (
              <ul class="plain-list people-item-list">
                {props.holidays.map((h) => (
                  <li>
                    <span>
                      <time datetime={h.day}>{formatDate(h.day)}</time> · {h.name}
                    </span>
                    <ActionButton
                      action={`${base}/holidays/${h.id}/delete`}
                      label="Delete"
                      danger
                      confirm={`Delete the holiday “${h.name}”?`}
                    />
                  </li>
                ))}
              </ul>
            ) : (
              <p class="muted">No holidays yet.</p>
            )}
            <h3>Add a holiday</h3>
            <FormErrors errors={props.holidayForm.errors} />
            <form method="post" action={`${base}/holidays`} class="stack" novalidate>
              <Field
                label="Date"
                name="holidayDate"
                type="date"
                value={String(props.holidayForm.values.holidayDate ?? "")}
                error={props.holidayForm.errors.holidayDate}
                required
              />
              <Field
                label="Name"
                name="holidayName"
                value={String(props.holidayForm.values.holidayName ?? "")}
                error={props.holidayForm.errors.holidayName}
                placeholder="e.g. New Year's Day"
                required
              />
              <div>
                <button type="submit">Add holiday</button>
              </div>
            </form>
          </section>
          <section class="card danger-zone" aria-labelledby="delete-team-title">
            <h2 id="delete-team-title">Delete team</h2>
            <p class="muted small">People stay; the team's memberships and holidays are removed.</p>
            <ActionButton
              action={`${base}/delete`}
              label="Delete team"
              danger
              confirm={`Delete the team ${team.name}? This cannot be undone.`}
            />
          </section>
        </div>
      </div>
    </>
  );
}

export function MyTeamsPage(props: { teams: TeamSummary[]; otherTeams: TeamListRow[]; canManage: boolean }): SafeHtml {
  return (
    <>
      <PageHeader title="Your teams">
        {props.canManage ? (
          <a class="button button-secondary" href="/admin/teams">
            Manage teams
          </a>
        ) : null}
      </PageHeader>
      {props.teams.length ? (
        <ul class="team-cards">
          {props.teams.map((t) => (
            <li class="card">
              <h2>
                <a href={`/teams/${t.id}`}>{t.name}</a>
              </h2>
              <p class="muted small">
                {t.memberCount} {t.memberCount === 1 ? "person" : "people"} · {t.timeZone}
              </p>
              {t.isManager ? <span class="badge badge-accent">You manage this team</span> : null}
            </li>
          ))}
        </ul>
      ) : (
        <EmptyState title="You are not on a team yet.">
          <p>An admin adds people to teams.</p>
        </EmptyState>
      )}
      {props.otherTeams.length ? (
        <section aria-labelledby="other-teams">
          <h2 id="other-teams">Other teams</h2>
          <ul class="team-cards">
            {props.otherTeams.map((t) => (
              <li class="card">
                <h3>
                  <a href={`/teams/${t.id}`}>{t.name}</a>
                </h3>
                <p class="muted small">
                  {t.memberCount} {t.memberCount === 1 ? "person" : "people"} · {t.timeZone}
                </p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

export function TeamPage(props: {
  team: Team;
  members: TeamMember[];
  holidays: TeamHoliday[];
  /** Where the team's work lives: its updates, charter, activity (from the plugins). */
  links: { href: string; label: string }[];
  now: Date;
}): SafeHtml {
  const { team } = props;
  const managers = props.members.filter((m) => m.isManager);
  return (
    <>
      <PageHeader title={team.name} />
      {props.links.length ? (
        <nav aria-label={`${team.name}'s work`}>
          <ul class="tabs">
            <li>
              <a href={`/teams/${team.id}`} aria-current="page">
                Team
              </a>
            </li>
            {props.links.map((link) => (
              <li>
                <a href={link.href}>{link.label}</a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <section class="card" aria-label="About the team">
        <dl class="facts">
          <dt>Time zone</dt>
          <dd>
            {team.timeZone} · now {formatClock(props.now, team.timeZone)}
          </dd>
          <dt>{managers.length === 1 ? "Manager" : "Managers"}</dt>
          <dd>{managers.length ? managers.map((m) => m.name).join(", ") : <span class="muted">None yet</span>}</dd>
        </dl>
      </section>
      <div class="split align-start">
        <section aria-labelledby="team-members-title">
          <h2 id="team-members-title">Members</h2>
          {props.members.length ? (
            <div class="table-wrap">
              <table class="table-cards">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Time zone</th>
                    <th scope="col">Local time</th>
                  </tr>
                </thead>
                <tbody>
                  {props.members.map((m) => (
                    <tr>
                      <th scope="row" class="cell-name">
                        {m.name} {m.isManager ? <span class="badge badge-accent">Manager</span> : null}
                      </th>
                      <td data-label="Time zone">{m.timeZone}</td>
                      <td data-label="Local time">{formatClock(props.now, m.timeZone)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <EmptyState title="Nobody is on this team yet." />
          )}
        </section>
        <section class="card" aria-labelledby="team-holidays-title">
          <h2 id="team-holidays-title">Upcoming holidays</h2>
          {props.holidays.length ? (
            <ul class="plain-list">
              {props.holidays.map((h) => (
                <li>
                  <time datetime={h.day}>{formatDate(h.day)}</time> · {h.name}
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">No holidays coming up.</p>
          )}
        </section>
      </div>
    </>
  );
}
