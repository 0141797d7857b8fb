import { z } from "zod";
import { EmptyState, PageHeader } from "../../views/components.tsx";
import type { SafeHtml } from "../../views/html/escape.ts";
import type { Routes } from "../http/access.ts";
import { HttpError } from "../http/errors.ts";
import { setFlash } from "../http/flash.ts";
import { readForm } from "../http/forms.ts";
import { page, redirect } from "../http/render.tsx";
import { findPerson } from "../people/people.ts";
import { previewDigest } from "./digest.tsx";
import { digestFrequency, setDigestFrequency } from "./preferences.ts";
import { type DigestFrequency, digestFrequencies } from "./schema.ts";
import { verifyUnsubscribeToken } from "./unsubscribe-token.ts";

const labels: Record<DigestFrequency, string> = {
  weekly: "Weekly — Monday 08:00 in your time zone",
  daily: "Daily — 08:00 in your time zone",
  off: "Off — no digest emails",
};

function PreferencesForm(props: { frequency: DigestFrequency }): SafeHtml {
  return (
    <form method="post" action="/digest/preferences" class="stack">
      <fieldset>
        <legend>How often should we email you a digest?</legend>
        {digestFrequencies.map((f) => (
          <label class="checkbox">
            <input type="radio" name="frequency" value={f} checked={props.frequency === f} /> {labels[f]}
          </label>
        ))}
      </fieldset>
      <div>
        <button type="submit">Save</button>
      </div>
    </form>
  );
}

function UnsubscribePage(props: { token: string; done: boolean }): SafeHtml {
  return (
    <section class="card auth-card" aria-labelledby="unsub-title">
      <h1 id="unsub-title">{props.done ? "You are unsubscribed" : "Unsubscribe from digests"}</h1>
      {props.done ? (
        <p>You will get no more digest emails. You can turn them back on from your digest settings at any time.</p>
      ) : (
        <form method="post" action={`/unsubscribe/${props.token}`} class="stack">
          <p>Stop receiving DeskTrust digest emails?</p>
          <input type="hidden" name="List-Unsubscribe" value="One-Click" />
          <button type="submit">Unsubscribe</button>
        </form>
      )}
    </section>
  );
}

const preferencesForm = z.object({ frequency: z.enum(digestFrequencies, "Choose weekly, daily or off.") });

export function digestRoutes(r: Routes): void {
  r.get("/digest/preview", "signed-in", async (c) => {
    const ctx = c.get("app");
    const viewer = c.get("viewer");
    if (!viewer) throw new HttpError(401, "Please sign in.");
    const frequency = await digestFrequency(ctx.db, viewer.id);
    const digest = await previewDigest(ctx, viewer, frequency);
    return page(
      c,
      <>
        <PageHeader title="Preview my next digest">
          <a class="button button-secondary" href="/digest/preferences">
            Digest settings
          </a>
        </PageHeader>
        {frequency === "off" ? (
          <p class="alert alert-info">Your digest is turned off; this is what it would contain.</p>
        ) : null}
        {digest ? (
          <>
            <p class="muted">
              Subject: <strong>{digest.subject}</strong>
            </p>
            <iframe class="digest-frame" src="/digest/preview.html" title="Digest preview" />
          </>
        ) : (
          <EmptyState title="Nothing to send right now.">
            <p>Every section of your digest is empty, so no email would go out.</p>
          </EmptyState>
        )}
      </>,
      { title: "Digest preview" },
    );
  });

  // The email's own HTML (inline styles), framed by the preview page on the same origin.
  r.get("/digest/preview.html", "signed-in", async (c) => {
    const ctx = c.get("app");
    const viewer = c.get("viewer");
    if (!viewer) throw new HttpError(401, "Please sign in.");
    const digest = await previewDigest(ctx, viewer, await digestFrequency(ctx.db, viewer.id));
    const html = digest?.html ?? "<!doctype html><p>Nothing to send right now.</p>";
    const response = c.html(html);
    response.headers.set(
      "Content-Security-Policy",
      "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'",
    );
    response.headers.set("X-Frame-Options", "SAMEORIGIN");
    return response;
  });

  r.get("/digest/preferences", "signed-in", async (c) => {
    const viewer = c.get("viewer");
    if (!viewer) throw new HttpError(401, "Please sign in.");
    const frequency = await digestFrequency(c.get("app").db, viewer.id);
    return page(
      c,
      <>
        <PageHeader title="Digest settings">
          <a class="button button-secondary" href="/digest/preview">
            Preview my next digest
          </a>
        </PageHeader>
        <section class="card">
          <PreferencesForm frequency={frequency} />
        </section>
        <p>
          Portal, email and chat for each kind of notification, and quiet hours:{" "}
          <a href="/notifications/preferences">notification preferences</a>.
        </p>
      </>,
      { title: "Digest settings" },
    );
  });

  r.post("/digest/preferences", "signed-in", async (c) => {
    const ctx = c.get("app");
    const viewer = c.get("viewer");
    if (!viewer) throw new HttpError(401, "Please sign in.");
    const form = await readForm(c, preferencesForm);
    if (!form.ok)
      throw new HttpError(422, form.errors.frequency ?? "Choose weekly, daily or off.", { fields: form.errors });
    await setDigestFrequency(ctx.db, viewer.id, form.data.frequency, ctx.clock.now());
    setFlash(c, "success", `Digest set to ${form.data.frequency}.`);
    return redirect(c, "/digest/preferences");
  });

  r.get("/unsubscribe/:token", "public", async (c) => {
    const token = c.req.param("token") ?? "";
    if (!(await verifyUnsubscribeToken(c.get("app"), token)))
      throw new HttpError(404, "This unsubscribe link is not valid.");
    return page(c, <UnsubscribePage token={token} done={false} />, { title: "Unsubscribe" });
  });

  // RFC 8058 one-click: mail providers POST here without a session or an Origin; the signed token is the credential.
  r.post("/unsubscribe/:token", "public", async (c) => {
    const ctx = c.get("app");
    const token = c.req.param("token") ?? "";
    const personId = await verifyUnsubscribeToken(ctx, token);
    const person = personId ? await findPerson(ctx.db, personId) : null;
    if (!person) throw new HttpError(404, "This unsubscribe link is not valid.");
    await setDigestFrequency(ctx.db, person.id, "off", ctx.clock.now());
    return page(c, <UnsubscribePage token={token} done />, { title: "Unsubscribed" });
  });
}
