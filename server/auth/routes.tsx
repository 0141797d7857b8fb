import { z } from "zod";
import { Field, FormErrors } from "../../views/components.tsx";
import type { SafeHtml } from "../../views/html/escape.ts";
import type { Routes } from "../http/access.ts";
import { HttpError } from "../http/errors.ts";
import { setFlash } from "../http/flash.ts";
import { email, readForm } from "../http/forms.ts";
import { page, redirect } from "../http/render.tsx";
import { safeNext } from "../http/safe-redirect.ts";
import { findPersonByEmail } from "../people/people.ts";
import { rememberDevice, signInAttempt } from "./device-cookie.ts";
import { clearSessionCookie, signIn } from "./middleware.ts";
import { ssoSignInButton } from "./oidc/routes.tsx";
import { verifyPassword } from "./password.ts";
import { invalidateAllSessions, invalidateSession } from "./session.ts";
import { afterPassword } from "./sign-in-policy.ts";
import { claimSignInAttempt, retryIn, signInSucceeded } from "./sign-in-throttle.ts";

const loginForm = z.object({
  email: email(),
  password: z
    .string({ error: "Password is required." })
    .min(1, "Password is required.")
    .max(256, "Password is too long."),
  next: z.string().optional(),
});

/** Only same-site paths are followed after login (no open redirect). */
export { safeNext };

function LoginPage(props: {
  email?: string;
  next?: string;
  error?: string;
  errors?: Record<string, string>;
  /** The single sign-on button, when an identity provider is set up. */
  sso?: SafeHtml | null;
}): SafeHtml {
  return (
    <section class="card auth-card" aria-labelledby="login-title">
      <h1 id="login-title">Sign in</h1>
      <FormErrors errors={props.errors} message={props.error} />
      <form method="post" action="/login" class="stack" novalidate>
        <input type="hidden" name="next" value={props.next ?? "/"} />
        <Field
          label="Email"
          name="email"
          type="email"
          value={props.email}
          error={props.errors?.email}
          required
          autocomplete="username"
        />
        <Field
          label="Password"
          name="password"
          type="password"
          error={props.errors?.password}
          required
          autocomplete="current-password"
        />
        <button type="submit">Sign in</button>
      </form>
      <p class="small">
        <a href="/forgot-password">Forgot your password?</a>
      </p>
      {props.sso ?? null}
    </section>
  );
}

export function authRoutes(r: Routes): void {
  r.get("/login", "public", async (c) => {
    if (c.get("viewer")) return c.redirect(safeNext(c.req.query("next")), 303);
    const next = safeNext(c.req.query("next"));
    return page(c, <LoginPage next={next} sso={await ssoSignInButton(c, next)} />, { title: "Sign in" });
  });

  r.post("/login", "public", async (c) => {
    const ctx = c.get("app");
    const form = await readForm(c, loginForm);
    if (!form.ok) {
      return page(c, <LoginPage email={String(form.values.email ?? "")} errors={form.errors} />, {
        title: "Sign in",
        status: 422,
      });
    }
    const attempt = await signInAttempt(c, form.data.email);
    const claim = await claimSignInAttempt(ctx.db, attempt, ctx.clock.now());
    if (!claim.ok) {
      c.header("Retry-After", String(claim.retryAfterSeconds));
      throw new HttpError(429, `Too many failed sign-in attempts from here. ${retryIn(claim.retryAfterSeconds)}`);
    }
    const person = await findPersonByEmail(ctx.db, form.data.email);
    const ok = await verifyPassword(form.data.password, person?.passwordHash ?? null);
    if (!person || !ok || person.status !== "active") {
      ctx.logger.info("login failed", { email: form.data.email });
      return page(
        c,
        <LoginPage
          email={form.data.email}
          next={safeNext(form.data.next)}
          error="That email and password do not match an active account."
        />,
        { title: "Sign in", status: 422 },
      );
    }
    await signInSucceeded(ctx.db, attempt);
    await rememberDevice(c, person.email);
    // Single-sign-on-only mode and two-factor may stop or extend a correct password sign-in.
    const policy = await afterPassword(c, person, safeNext(form.data.next));
    if (policy.kind === "refused") {
      return page(c, <LoginPage email={form.data.email} error={policy.message} sso={await ssoSignInButton(c, "/")} />, {
        title: "Sign in",
        status: 403,
      });
    }
    if (policy.kind === "second-factor") return policy.response;
    await signIn(c, person.id);
    return redirect(c, safeNext(form.data.next));
  });

  r.post("/logout", "public", async (c) => {
    const sessionId = c.get("sessionId");
    if (sessionId) await invalidateSession(c.get("app").db, sessionId);
    clearSessionCookie(c);
    setFlash(c, "info", "You have been signed out.");
    return redirect(c, "/login");
  });

  r.post("/logout-everywhere", "signed-in", async (c) => {
    const viewer = c.get("viewer");
    if (viewer) await invalidateAllSessions(c.get("app").db, viewer.id);
    clearSessionCookie(c);
    setFlash(c, "info", "You have been signed out on every device.");
    return redirect(c, "/login");
  });
}
