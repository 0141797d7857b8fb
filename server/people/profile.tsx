import type { Context } from "hono";
import { z } from "zod";
import { ActionButton, Field, FormErrors, PageHeader } from "../../views/components.tsx";
import { formatInstant } from "../../views/format.ts";
import type { SafeHtml } from "../../views/html/escape.ts";
import { changePassword } from "../auth/credentials.ts";
import { signInAttempt } from "../auth/device-cookie.ts";
import { clearSessionCookie } from "../auth/middleware.ts";
import { type OwnSession, ownSessions, revokeOwnSession } from "../auth/own-sessions.ts";
import { passwordField } from "../auth/password.ts";
import { claimSignInAttempt, retryIn, signInSucceeded } from "../auth/sign-in-throttle.ts";
import type { Routes } from "../http/access.ts";
import type { AppEnv, Viewer } from "../http/env.ts";
import { type FieldErrors, HttpError, notFound } from "../http/errors.ts";
import { setFlash } from "../http/flash.ts";
import { type FormValues, readForm, text, timeZone, timeZoneList } from "../http/forms.ts";
import { page, redirect } from "../http/render.tsx";
import {
  addOutOfOffice,
  deleteOutOfOffice,
  type OutOfOfficePeriod,
  outOfOfficeFor,
  outOfOfficeForm,
} from "./out-of-office.ts";
import { OutOfOfficeSection } from "./out-of-office-view.tsx";
import { updateOwnProfile } from "./own-profile.ts";
import { findPerson, isUuid, type Person } from "./people.ts";
import { weekdays } from "./schema.ts";
import { weekdayLabels, workingHoursFromForm } from "./working-hours.ts";

const profileForm = z.object({
  name: text("Name", 120),
  timeZone: timeZone(),
});

const passwordForm = z
  .object({
    current: z.string({ error: "Enter your current password." }).min(1, "Enter your current password.").max(256),
    password: passwordField,
    confirm: z.string().default(""),
  })
  .refine((f) => f.confirm === f.password, { path: ["confirm"], message: "The two new passwords differ." });

/** The profile form's values as the page shows them: from the record, or as last submitted. */
function valuesOf(person: Person): FormValues {
  const values: FormValues = { name: person.name, timeZone: person.timeZone };
  for (const day of weekdays) {
    const first = person.workingHours[day]?.[0];
    if (first) {
      values[`hours.${day}.on`] = "on";
      values[`hours.${day}.start`] = first[0];
      values[`hours.${day}.end`] = first[1];
    }
  }
  return values;
}

interface ProfileProps {
  person: Person;
  values: FormValues;
  errors: FieldErrors;
  passwordErrors: FieldErrors;
  sessions: OwnSession[];
  viewerTimeZone: string;
  now: Date;
  ooo: { periods: OutOfOfficePeriod[]; values?: FormValues; errors?: FieldErrors };
}

function WorkingHoursFields(props: { values: FormValues; errors: FieldErrors }): SafeHtml {
  const v = (k: string): string => String(props.values[k] ?? "");
  return (
    <fieldset>
      <legend>Working hours</legend>
      <p class="hint">
        In your time zone. Reminders, response-time clocks and overlap views use these hours; tick the days you work.
      </p>
      <div class="hours-grid">
        {weekdays.map((day) => {
          const error = props.errors[`hours.${day}`];
          const on = Boolean(props.values[`hours.${day}.on`]);
          return (
            <>
              <label class="checkbox" for={`f-hours-${day}-on`}>
                <input type="checkbox" id={`f-hours-${day}-on`} name={`hours.${day}.on`} value="on" checked={on} />
                {weekdayLabels[day].slice(0, 3)}
              </label>
              <input
                type="time"
                name={`hours.${day}.start`}
                value={v(`hours.${day}.start`) || "09:00"}
                aria-label={`${weekdayLabels[day]} start`}
                aria-invalid={error ? "true" : undefined}
              />
              <input
                type="time"
                name={`hours.${day}.end`}
                value={v(`hours.${day}.end`) || "17:00"}
                aria-label={`${weekdayLabels[day]} end`}
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

/** "Firefox on Linux" from a user-agent string; the raw string stays in the title attribute. */
export function describeUserAgent(ua: string): string {
  if (!ua) return "Unknown device";
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /OPR\//.test(ua)
      ? "Opera"
      : /Firefox\//.test(ua)
        ? "Firefox"
        : /Chrom(e|ium)\//.test(ua)
          ? "Chrome"
          : /Safari\//.test(ua)
            ? "Safari"
            : null;
  const os = /Windows/.test(ua)
    ? "Windows"
    : /iPhone|iPad/.test(ua)
      ? "iOS"
      : /Mac OS X/.test(ua)
        ? "macOS"
        : /Android/.test(ua)
          ? "Android"
          : /Linux/.test(ua)
            ? "Linux"
            : null;
  if (browser && os) return `${browser} on ${os}`;
  return browser ?? os ?? ua.slice(0, 60);
}

function SessionsCard(props: { sessions: OwnSession[]; timeZone: string }): SafeHtml {
  return (
    <section class="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Where you are signed in</h2>
      <p class="muted small">Sign out a device you no longer use or do not recognize.</p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">IP address</th>
              <th scope="col">Signed in</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.sessions.map((s) => (
              <tr>
                <td title={s.userAgent || undefined}>
                  {describeUserAgent(s.userAgent)}{" "}
                  {s.current ? <span class="badge badge-success">This device</span> : null}
                </td>
                <td>{s.ip || "—"}</td>
                <td class="nowrap">{formatInstant(s.createdAt, props.timeZone)}</td>
                <td class="actions">
                  <ActionButton
                    action={`/profile/sessions/${s.ref}/revoke`}
                    label="Sign out"
                    danger
                    confirm={s.current ? "Sign out on this device?" : undefined}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="session-actions">
        <ActionButton
          action="/logout-everywhere"
          label="Sign out everywhere"
          danger
          confirm="Sign out on every device, including this one?"
        />
      </div>
    </section>
  );
}

function ProfilePage(props: ProfileProps): SafeHtml {
  const v = (k: string): string => String(props.values[k] ?? "");
  return (
    <>
      <PageHeader title="Your profile">
        <a class="button button-secondary" href="/digest/preferences">
          Digest settings
        </a>
        <a class="button button-secondary" href="/profile/tokens">
          API tokens
        </a>
        <a class="button button-secondary" href="/profile/two-factor">
          Two-factor
        </a>
      </PageHeader>
      <div class="split split-top">
        <section class="card" aria-labelledby="profile-title">
          <h2 id="profile-title">About you</h2>
          <FormErrors errors={props.errors} />
          <form method="post" action="/profile" class="stack" novalidate>
            <Field label="Name" name="name" value={v("name")} error={props.errors.name} required autocomplete="name" />
            <div class="field">
              <span class="field-label">Email</span>
              <p class="muted">
                {props.person.email} <span class="badge">{props.person.role}</span>
              </p>
              <p class="hint">An admin changes emails and roles.</p>
            </div>
            <Field
              label="Time zone"
              name="timeZone"
              value={v("timeZone")}
              error={props.errors.timeZone}
              list="time-zones"
              hint="An IANA name such as Europe/Berlin or America/New_York."
              required
            />
            <datalist id="time-zones">
              {timeZoneList.map((tz) => (
                <option value={tz} />
              ))}
            </datalist>
            <WorkingHoursFields values={props.values} errors={props.errors} />
            <div>
              <button type="submit">Save profile</button>
            </div>
          </form>
        </section>
        <section class="card" aria-labelledby="password-title">
          <h2 id="password-title">Password</h2>
          <FormErrors errors={props.passwordErrors} />
          <form method="post" action="/profile/password" class="stack" novalidate>
            <Field
              label="Current password"
              name="current"
              type="password"
              error={props.passwordErrors.current}
              required
              autocomplete="current-password"
            />
            <Field
              label="New password"
              name="password"
              type="password"
              error={props.passwordErrors.password}
              hint="At least 10 characters."
              required
              autocomplete="new-password"
            />
            <Field
              label="Repeat the new password"
              name="confirm"
              type="password"
              error={props.passwordErrors.confirm}
              required
              autocomplete="new-password"
            />
            <div>
              <button type="submit">Change password</button>
            </div>
            <p class="hint">
              Changing it signs you out on every other device. Never set one? Use{" "}
              <a href="/forgot-password">forgot password</a>.
            </p>
          </form>
        </section>
      </div>
      <OutOfOfficeSection
        periods={props.ooo.periods}
        timeZone={props.viewerTimeZone}
        action="/profile/ooo"
        now={props.now}
        {...(props.ooo.values ? { values: props.ooo.values } : {})}
        {...(props.ooo.errors ? { errors: props.ooo.errors } : {})}
      />
      <SessionsCard sessions={props.sessions} timeZone={props.viewerTimeZone} />
    </>
  );
}

async function renderProfile(
  c: Context<AppEnv>,
  viewer: Viewer,
  overrides: {
    values?: FormValues;
    errors?: FieldErrors;
    passwordErrors?: FieldErrors;
    ooo?: { values: FormValues; errors: FieldErrors };
    status?: 422;
  } = {},
): Promise<Response> {
  const ctx = c.get("app");
  const person = await findPerson(ctx.db, viewer.id);
  if (!person) throw new HttpError(401, "Please sign in to continue.");
  const now = ctx.clock.now();
  const sessions = await ownSessions(ctx.db, person.id, c.get("sessionId"), now);
  const periods = await outOfOfficeFor(ctx.db, person.id, now);
  return page(
    c,
    <ProfilePage
      person={person}
      values={overrides.values ?? valuesOf(person)}
      errors={overrides.errors ?? {}}
      passwordErrors={overrides.passwordErrors ?? {}}
      sessions={sessions}
      viewerTimeZone={person.timeZone}
      now={now}
      ooo={{ periods, ...overrides.ooo }}
    />,
    { title: "Your profile", status: overrides.status ?? 200 },
  );
}

function signedInViewer(c: Context<AppEnv>): Viewer {
  const viewer = c.get("viewer");
  if (!viewer) throw new HttpError(401, "Please sign in to continue.");
  return viewer;
}

export function profileRoutes(r: Routes): void {
  r.get("/profile", "signed-in", (c) => renderProfile(c, signedInViewer(c)));

  r.post("/profile", "signed-in", async (c) => {
    const viewer = signedInViewer(c);
    const form = await readForm(c, profileForm);
    const hours = workingHoursFromForm(form.values);
    const errors = { ...(form.ok ? {} : form.errors), ...("errors" in hours ? hours.errors : {}) };
    if (!form.ok || "errors" in hours) return renderProfile(c, viewer, { values: form.values, errors, status: 422 });
    await updateOwnProfile(c.get("app").db, viewer.id, {
      name: form.data.name,
      timeZone: form.data.timeZone,
      workingHours: hours.hours,
    });
    setFlash(c, "success", "Your profile is saved.");
    return redirect(c, "/profile");
  });

  r.post("/profile/password", "signed-in", async (c) => {
    const viewer = signedInViewer(c);
    const ctx = c.get("app");
    const form = await readForm(c, passwordForm);
    if (!form.ok) return renderProfile(c, viewer, { passwordErrors: form.errors, status: 422 });
    // Guessing the current password from a borrowed session counts against the login throttle.
    const attempt = await signInAttempt(c, viewer.email);
    const claim = await claimSignInAttempt(ctx.db, attempt, ctx.clock.now());
    if (!claim.ok) {
      c.header("Retry-After", String(claim.retryAfterSeconds));
      throw new HttpError(429, `Too many wrong passwords. ${retryIn(claim.retryAfterSeconds)}`);
    }
    const result = await changePassword(ctx.db, viewer.id, {
      current: form.data.current,
      next: form.data.password,
      keepSessionId: c.get("sessionId"),
    });
    if (!result.ok) {
      return renderProfile(c, viewer, {
        passwordErrors: { current: "That is not your current password." },
        status: 422,
      });
    }
    await signInSucceeded(ctx.db, attempt);
    const others = result.signedOut;
    setFlash(
      c,
      "success",
      others
        ? `Password changed. You were signed out on ${others} other ${others === 1 ? "device" : "devices"}.`
        : "Password changed.",
    );
    return redirect(c, "/profile");
  });

  r.post("/profile/ooo", "signed-in", async (c) => {
    const viewer = signedInViewer(c);
    const ctx = c.get("app");
    const form = await readForm(c, outOfOfficeForm(viewer.timeZone));
    if (!form.ok) return renderProfile(c, viewer, { ooo: { values: form.values, errors: form.errors }, status: 422 });
    await addOutOfOffice(ctx.db, { ...form.data, personId: viewer.id, actorId: viewer.id, at: ctx.clock.now() });
    setFlash(c, "success", "Out-of-office period added.");
    return redirect(c, "/profile#out-of-office");
  });

  r.post("/profile/ooo/:oooId/delete", "signed-in", async (c) => {
    const viewer = signedInViewer(c);
    const ctx = c.get("app");
    const periodId = c.req.param("oooId") ?? "";
    const deleted =
      isUuid(periodId) &&
      (await deleteOutOfOffice(ctx.db, { personId: viewer.id, periodId, actorId: viewer.id, at: ctx.clock.now() }));
    if (!deleted) throw notFound("Out-of-office period");
    setFlash(c, "success", "Out-of-office period deleted.");
    return redirect(c, "/profile#out-of-office");
  });

  r.post("/profile/sessions/:ref/revoke", "signed-in", async (c) => {
    const viewer = signedInViewer(c);
    const ctx = c.get("app");
    const ref = c.req.param("ref") ?? "";
    const current = c.get("sessionId");
    const result = /^[0-9a-f]{16}$/.test(ref)
      ? await revokeOwnSession(ctx.db, viewer.id, ref, current, ctx.clock.now())
      : ({ ok: false } as const);
    if (!result.ok) throw new HttpError(404, "That session is not one of yours, or it has already ended.");
    if (result.wasCurrent) {
      clearSessionCookie(c);
      setFlash(c, "info", "You have been signed out on this device.");
      return redirect(c, "/login");
    }
    setFlash(c, "success", "That device has been signed out.");
    return redirect(c, "/profile");
  });
}
