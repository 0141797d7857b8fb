import type { Context } from "hono";
import { z } from "zod";
import { Field, FormErrors } from "../../views/components.tsx";
import type { SafeHtml } from "../../views/html/escape.ts";
import type { Routes } from "../http/access.ts";
import { afterResponse } from "../http/after-response.ts";
import type { AppEnv } from "../http/env.ts";
import { type FieldErrors, HttpError } from "../http/errors.ts";
import { setFlash } from "../http/flash.ts";
import { email, type FormValues, readForm } from "../http/forms.ts";
import { page, redirect } from "../http/render.tsx";
import { clearSessionCookie, clientIp } from "./middleware.ts";
import { passwordField } from "./password.ts";
import {
  completePasswordReset,
  lookupPasswordReset,
  type ResetLookup,
  requestPasswordReset,
} from "./password-reset.ts";
import { clearSignInDelays } from "./sign-in-throttle.ts";

const forgotForm = z.object({ email: email() });

const resetForm = z
  .object({ password: passwordField, confirm: z.string().default("") })
  .refine((f) => f.confirm === "" || f.confirm === f.password, {
    path: ["confirm"],
    message: "The two passwords differ.",
  });

function ForgotPage(props: { values: FormValues; errors: FieldErrors }): SafeHtml {
  return (
    <section class="card auth-card" aria-labelledby="forgot-title">
      <h1 id="forgot-title">Forgot your password?</h1>
      <p class="muted">Enter the email you sign in with. We will send you a link to choose a new password.</p>
      <FormErrors errors={props.errors} />
      <form method="post" action="/forgot-password" class="stack" novalidate>
        <Field
          label="Email"
          name="email"
          type="email"
          value={String(props.values.email ?? "")}
          error={props.errors.email}
          required
          autocomplete="username"
        />
        <button type="submit">Send reset link</button>
      </form>
      <p class="small">
        <a href="/login">Back to sign in</a>
      </p>
    </section>
  );
}

/** The one answer to every well-formed request, whether or not the account exists. */
function CheckYourEmail(props: { email: string }): SafeHtml {
  return (
    <section class="card auth-card" aria-labelledby="sent-title">
      <h1 id="sent-title">Check your email</h1>
      <p>
        If an account exists for <strong>{props.email}</strong>, we have sent it a link to reset the password. The link
        works once, for one hour.
      </p>
      <p class="muted small">
        Nothing arrived? Check your spam folder, or ask an admin: without an SMTP server, DeskTrust keeps mail in its
        outbox. At most three links are sent per hour.
      </p>
      <p class="small">
        <a href="/login">Back to sign in</a>
      </p>
    </section>
  );
}

function ResetPage(props: { token: string; errors: FieldErrors }): SafeHtml {
  return (
    <section class="card auth-card" aria-labelledby="reset-title">
      <h1 id="reset-title">Choose a new password</h1>
      <p class="muted">Setting it signs you out on every device.</p>
      <FormErrors errors={props.errors} />
      <form method="post" action={`/reset-password/${props.token}`} class="stack" novalidate>
        <Field
          label="New password"
          name="password"
          type="password"
          error={props.errors.password}
          hint="At least 10 characters."
          required
          autocomplete="new-password"
        />
        <Field
          label="Repeat the new password"
          name="confirm"
          type="password"
          error={props.errors.confirm}
          autocomplete="new-password"
        />
        <button type="submit">Set new password</button>
      </form>
    </section>
  );
}

const unusableMessages: Record<Exclude<ResetLookup, { ok: true }>["reason"], string> = {
  unknown: "This reset link is not valid. Check that you copied the whole link, or ask for a new one.",
  used: "This reset link has already been used. Ask for a new one if you still need it.",
  expired: "This reset link has expired (links work for one hour). Ask for a new one.",
};

async function requireUsableReset(c: Context<AppEnv>): Promise<string> {
  const ctx = c.get("app");
  const token = c.req.param("token") ?? "";
  const found: ResetLookup =
    token.length <= 100 ? await lookupPasswordReset(ctx.db, token, ctx.clock.now()) : { ok: false, reason: "unknown" };
  if (!found.ok) throw new HttpError(404, unusableMessages[found.reason]);
  return token;
}

export function resetRoutes(r: Routes): void {
  r.get("/forgot-password", "public", (c) =>
    page(c, <ForgotPage values={{}} errors={{}} />, { title: "Forgot your password?" }),
  );

  r.post("/forgot-password", "public", async (c) => {
    const ctx = c.get("app");
    const form = await readForm(c, forgotForm);
    if (!form.ok)
      return page(c, <ForgotPage values={form.values} errors={form.errors} />, {
        title: "Forgot your password?",
        status: 422,
      });
    // The answer is the same page whether or not the address has an account; the lookup and
    // the mail happen after it has gone out, so its timing says nothing either.
    const input = { email: form.data.email, ip: clientIp(c) };
    const options = { now: ctx.clock.now(), baseUrl: ctx.config.baseUrl };
    afterResponse(ctx, "password reset request", async () => {
      const result = await requestPasswordReset(ctx.db, input, options);
      if (result.outcome === "throttled") ctx.logger.info("password reset throttled", { email: input.email });
    });
    return page(c, <CheckYourEmail email={form.data.email} />, { title: "Check your email" });
  });

  r.get("/reset-password/:token", "public", async (c) => {
    const token = await requireUsableReset(c);
    return page(c, <ResetPage token={token} errors={{}} />, { title: "Choose a new password" });
  });

  r.post("/reset-password/:token", "public", async (c) => {
    const ctx = c.get("app");
    const token = await requireUsableReset(c);
    const form = await readForm(c, resetForm);
    if (!form.ok)
      return page(c, <ResetPage token={token} errors={form.errors} />, { title: "Choose a new password", status: 422 });
    const result = await completePasswordReset(ctx.db, token, form.data.password, ctx.clock.now());
    if (!result.ok) throw new HttpError(404, unusableMessages.used);
    // Proving control of the mailbox lifts a sign-in lock on the account.
    await clearSignInDelays(ctx.db, result.email);
    clearSessionCookie(c);
    setFlash(c, "success", "Your password is changed and you are signed out everywhere. Sign in with the new one.");
    return redirect(c, "/login");
  });
}
