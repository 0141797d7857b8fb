import { z } from "zod";
import { PageHeader } from "../../views/components.tsx";
import type { SafeHtml } from "../../views/html/escape.ts";
import { digestFrequency, setDigestFrequency } from "../digest/preferences.ts";
import { type DigestFrequency, digestFrequencies } from "../digest/schema.ts";
import type { Routes } from "../http/access.ts";
import { type FieldErrors, HttpError } from "../http/errors.ts";
import { setFlash } from "../http/flash.ts";
import { readForm } from "../http/forms.ts";
import { page, redirect } from "../http/render.tsx";
import {
  type Channels,
  channelsOf,
  kindLabels,
  type NotificationChannel,
  type NotificationKind,
  notificationChannels,
  notificationKinds,
  type PersonPreferences,
  preferencesOf,
  savePreferences,
} from "./preferences.ts";

const channelLabels: Record<NotificationChannel, string> = { portal: "Portal", email: "Email", chat: "Chat" };
const digestLabels: Record<DigestFrequency, string> = {
  weekly: "Weekly (Monday 08:00)",
  daily: "Daily (08:00)",
  off: "Off",
};
const clock = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const choices = new Set(notificationKinds.flatMap((kind) => channelsOf(kind).map((ch) => `${kind}:${ch}`)));

const preferencesForm = z
  .object({
    on: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
      .refine((list) => list.every((v) => choices.has(v)), "Choose channels from the list."),
    digest: z.enum(digestFrequencies, "Choose weekly, daily or off."),
    quiet: z.enum(["on"]).optional(),
    quietStarts: z.union([z.literal(""), z.string().regex(clock, "A time such as 22:00.")]).default(""),
    quietEnds: z.union([z.literal(""), z.string().regex(clock, "A time such as 07:00.")]).default(""),
  })
  .superRefine((form, ctx) => {
    if (!form.quiet) return;
    if (!form.quietStarts)
      ctx.addIssue({ code: "custom", path: ["quietStarts"], message: "When do quiet hours start?" });
    if (!form.quietEnds) ctx.addIssue({ code: "custom", path: ["quietEnds"], message: "When do quiet hours end?" });
    if (form.quietStarts && form.quietStarts === form.quietEnds)
      ctx.addIssue({
        code: "custom",
        path: ["quietEnds"],
        message: "Quiet hours must end at another time than they start.",
      });
  });

function PreferencesForm(props: {
  prefs: PersonPreferences;
  digest: DigestFrequency;
  timeZone: string;
  errors?: FieldErrors;
}): SafeHtml {
  const { prefs, errors = {} } = props;
  const kinds = notificationKinds.filter((k) => k !== "digest");
  return (
    <form method="post" action="/notifications/preferences" class="stack">
      {Object.keys(errors).length ? (
        <div class="alert alert-error" role="alert">
          <ul>
            {Object.values(errors).map((message) => (
              <li>{message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <fieldset>
        <legend>Where you hear about each kind of notification</legend>
        {prefs.chatLinked ? null : (
          <p class="muted small">
            Chat needs a linked chat account: your account links itself the first time you use the DeskTrust app in
            Slack with this email address (verified by Slack).
          </p>
        )}
        <table class="table-cards notification-preferences">
          <thead>
            <tr>
              <th scope="col">Notification</th>
              {notificationChannels.map((ch) => (
                <th scope="col">{channelLabels[ch]}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {kinds.map((kind) => (
              <tr>
                <th scope="row">{kindLabels[kind]}</th>
                {notificationChannels.map((ch) => (
                  <td data-label={channelLabels[ch]}>
                    <input
                      type="checkbox"
                      name="on"
                      value={`${kind}:${ch}`}
                      checked={prefs.channels[kind][ch]}
                      aria-label={`${kindLabels[kind]}: ${channelLabels[ch]}`}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </fieldset>
      <fieldset>
        <legend>Digest email</legend>
        {digestFrequencies.map((f) => (
          <label class="checkbox">
            <input type="radio" name="digest" value={f} checked={props.digest === f} /> {digestLabels[f]}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Quiet hours</legend>
        <p class="muted small">
          Email and chat wait until your quiet hours end ({props.timeZone} time); the portal still shows everything at
          once.
        </p>
        <label class="checkbox">
          <input type="checkbox" name="quiet" value="on" checked={prefs.quietHours !== null} /> Hold email and chat
          during quiet hours
        </label>
        <div class="filter-row">
          <label>
            From
            <input
              type="time"
              name="quietStarts"
              value={prefs.quietHours?.starts ?? "22:00"}
              aria-invalid={errors.quietStarts ? "true" : undefined}
            />
          </label>
          <label>
            Until
            <input
              type="time"
              name="quietEnds"
              value={prefs.quietHours?.ends ?? "07:00"}
              aria-invalid={errors.quietEnds ? "true" : undefined}
            />
          </label>
        </div>
      </fieldset>
      <div>
        <button type="submit">Save preferences</button>
      </div>
    </form>
  );
}

function preferencesPage(props: Parameters<typeof PreferencesForm>[0]): SafeHtml {
  return (
    <>
      <PageHeader title="Notification preferences">
        <a class="button button-secondary" href="/digest/preview">
          Preview my next digest
        </a>
      </PageHeader>
      <section class="card">
        <PreferencesForm {...props} />
      </section>
    </>
  );
}

export function notificationPreferenceRoutes(r: Routes): void {
  r.get("/notifications/preferences", "signed-in", async (c) => {
    const ctx = c.get("app");
    const viewer = c.get("viewer");
    if (!viewer) throw new HttpError(401, "Please sign in.");
    const [prefs, digest] = await Promise.all([preferencesOf(ctx.db, viewer.id), digestFrequency(ctx.db, viewer.id)]);
    return page(c, preferencesPage({ prefs, digest, timeZone: viewer.timeZone }), {
      title: "Notification preferences",
    });
  });

  r.post("/notifications/preferences", "signed-in", async (c) => {
    const ctx = c.get("app");
    const viewer = c.get("viewer");
    if (!viewer) throw new HttpError(401, "Please sign in.");
    const form = await readForm(c, preferencesForm);
    if (!form.ok) {
      const prefs = await preferencesOf(ctx.db, viewer.id);
      const body = preferencesPage({
        prefs,
        digest: await digestFrequency(ctx.db, viewer.id),
        timeZone: viewer.timeZone,
        errors: form.errors,
      });
      return page(c, body, { title: "Notification preferences", status: 422 });
    }
    const on = new Set(form.data.on);
    const channels = Object.fromEntries(
      notificationKinds.map((kind: NotificationKind) => [
        kind,
        Object.fromEntries(notificationChannels.map((ch) => [ch, on.has(`${kind}:${ch}`)])) as Channels,
      ]),
    ) as Record<NotificationKind, Channels>;
    const now = ctx.clock.now();
    const quiet = form.data.quiet ? { starts: form.data.quietStarts, ends: form.data.quietEnds } : null;
    await ctx.db.transaction(async (tx) => {
      await savePreferences(tx, viewer.id, { channels, quietHours: quiet }, now);
      await setDigestFrequency(tx, viewer.id, form.data.digest, now);
    });
    setFlash(c, "success", "Notification preferences saved.");
    return redirect(c, "/notifications/preferences");
  });
}
