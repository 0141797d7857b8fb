import {
  ActionButton,
  EmptyState,
  Field,
  type FieldErrors,
  FormErrors,
  formatInstant,
  PageHeader,
  type RequestServices,
  requireViewer,
  type SafeHtml,
} from "../../server/plugin-api.ts";
import { type DeviceView, devicesOf } from "./devices.ts";
import { isPaused, type OwnWeek, ownWeek, weekStart } from "./my-activity.ts";

type S = RequestServices<Record<string, unknown>>;
const dayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

function WeekCompare(props: { thisWeek: OwnWeek; lastWeek: OwnWeek }): SafeHtml {
  const categories = [...new Set([...props.thisWeek.categories, ...props.lastWeek.categories].map((c) => c.category))];
  const hoursIn = (w: OwnWeek, category: string): number =>
    w.categories.find((c) => c.category === category)?.hours ?? 0;
  return (
    <div class="activity-stack">
      <p>
        This week: <strong>{props.thisWeek.totalHours} h</strong> active; last week: {props.lastWeek.totalHours} h.
      </p>
      <div class="table-wrap">
        <table>
          <caption class="activity-caption">Active hours per day</caption>
          <thead>
            <tr>
              <th scope="col">Week</th>
              {dayNames.map((d) => (
                <th scope="col">{d}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row" class="activity-row-head">
                This week
              </th>
              {props.thisWeek.days.map((h) => (
                <td>{h}</td>
              ))}
            </tr>
            <tr>
              <th scope="row" class="activity-row-head">
                Last week
              </th>
              {props.lastWeek.days.map((h) => (
                <td>{h}</td>
              ))}
            </tr>
          </tbody>
        </table>
      </div>
      {categories.length ? (
        <div class="table-wrap">
          <table>
            <caption class="activity-caption">Active hours per category</caption>
            <thead>
              <tr>
                <th scope="col">Category</th>
                <th scope="col">This week</th>
                <th scope="col">Last week</th>
              </tr>
            </thead>
            <tbody>
              {categories.map((c) => (
                <tr>
                  <th scope="row" class="activity-row-head">
                    {c}
                  </th>
                  <td>{hoursIn(props.thisWeek, c)}</td>
                  <td>{hoursIn(props.lastWeek, c)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

function DeviceList(props: { devices: DeviceView[]; timeZone: string }): SafeHtml {
  if (!props.devices.length)
    return (
      <EmptyState title="No devices yet.">
        <p>Register a device to get a token for the relay agent or your own client.</p>
      </EmptyState>
    );
  return (
    <ul class="plain-list activity-devices" aria-label="Your devices">
      {props.devices.map((d) => (
        <li>
          <span>
            <strong>{d.name}</strong>{" "}
            <span class="muted small">
              {d.revokedAt
                ? `revoked ${formatInstant(d.revokedAt, props.timeZone)}`
                : d.lastSeenAt
                  ? `last seen ${formatInstant(d.lastSeenAt, props.timeZone)}`
                  : "not used yet"}
            </span>
          </span>
          {d.revokedAt ? null : (
            <form
              method="post"
              action={`/activity/devices/${d.id}/revoke`}
              class="inline-form"
              data-confirm={`Revoke “${d.name}”? Its token stops working at once.`}
            >
              <input type="hidden" name="confirm" value="yes" />
              <button type="submit" class="button button-danger button-small">
                Revoke<span class="visually-hidden"> {d.name}</span>
              </button>
            </form>
          )}
        </li>
      ))}
    </ul>
  );
}

export async function myPage(
  s: S,
  opts: { errors?: FieldErrors; token?: string; status?: 200 | 201 } = {},
): Promise<Response> {
  const viewer = requireViewer(s);
  const thisWeekStart = weekStart(s.clock.now(), viewer.timeZone);
  const [thisWeek, lastWeek, devices, paused, teams] = [
    await ownWeek(s.db, viewer.id, viewer.timeZone, thisWeekStart),
    await ownWeek(s.db, viewer.id, viewer.timeZone, new Date(thisWeekStart.getTime() - 7 * 86_400_000)),
    await devicesOf(s.db, viewer.id),
    await isPaused(s.db, viewer.id),
    await s.myTeams(),
  ];
  const errors = opts.errors ?? {};
  return s.page(
    <>
      <PageHeader title="My activity">
        <a class="button button-secondary" href="/activity/transparency">
          What is collected
        </a>
      </PageHeader>
      <p class="muted">Only you can see this page. Your team sees totals of at least five people, never yours alone.</p>
      {paused ? (
        <div class="alert" role="status">
          Collection is paused: events from your devices are dropped until you resume.
        </div>
      ) : null}
      <div class="split activity-split">
        <section class="card" aria-labelledby="my-week">
          <h2 id="my-week">Week over week</h2>
          <WeekCompare thisWeek={thisWeek} lastWeek={lastWeek} />
        </section>
        <section class="card activity-stack" aria-labelledby="my-devices">
          <h2 id="my-devices">Devices</h2>
          {opts.token ? (
            <div class="alert alert-success activity-stack" role="status">
              <p>
                <strong>Your device token.</strong> Copy it now: it is shown only this once and stored only as a hash.
              </p>
              <code class="activity-token">{opts.token}</code>
              <p class="small">
                Give it to the relay agent (<code>--token</code>) or send it as <code>Authorization: Bearer …</code> to{" "}
                <code>/api/activity/events</code>.
              </p>
            </div>
          ) : null}
          <DeviceList devices={devices} timeZone={viewer.timeZone} />
          <form method="post" action="/activity/devices" class="stack" novalidate>
            <FormErrors errors={errors} />
            <Field
              label="Device name"
              name="name"
              error={errors.name}
              hint="A name you will recognise, e.g. Work laptop. You get a token for it."
            />
            <button type="submit" class="button">
              Register a device
            </button>
          </form>
        </section>
      </div>
      <section class="card activity-stack" aria-labelledby="my-data">
        <h2 id="my-data">Your data</h2>
        <h3>Export</h3>
        <p>
          Everything stored about you, as <a href="/activity/export.json">JSON</a> or{" "}
          <a href="/activity/export.csv">CSV</a>.
        </p>
        <h3>{paused ? "Collection is paused" : "Pause collection"}</h3>
        <p class="muted small">
          {paused
            ? "Events from your devices are dropped until you resume."
            : "While paused, events from your devices are dropped, not stored."}
        </p>
        <div>
          <ActionButton
            action="/activity/collection"
            label={paused ? "Resume collection" : "Pause collection"}
            fields={{ state: paused ? "collecting" : "paused" }}
          />
        </div>
        <h3>Delete</h3>
        <form method="post" action="/activity/delete" class="stack" novalidate>
          <Field
            label="Confirm deletion"
            name="confirm"
            hint="Type “delete my activity” to delete your raw events and rollups now. This cannot be undone."
            error={errors.confirm}
          />
          <div>
            <button type="submit" class="button button-danger">
              Delete my activity data
            </button>
          </div>
        </form>
      </section>
      {teams.length ? (
        <section class="card" aria-labelledby="my-teams">
          <h2 id="my-teams">Team rhythm</h2>
          <ul class="plain-list">
            {teams.map((t) => (
              <li>
                <a href={`/activity/teams/${t.id}`}>{t.name}</a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>,
    { title: "My activity", status: opts.status ?? (Object.keys(errors).length ? 422 : 200) },
  );
}
