import type { Context } from "hono";
import { deleteCookie, getCookie } from "hono/cookie";
import { z } from "zod";
import type { SafeHtml } from "../../../views/html/escape.ts";
import type { Routes } from "../../http/access.ts";
import type { AppEnv } from "../../http/env.ts";
import { setFlash } from "../../http/flash.ts";
import { readForm } from "../../http/forms.ts";
import { page, redirect } from "../../http/render.tsx";
import { findPerson } from "../../people/people.ts";
import { signIn } from "../middleware.ts";
import { safeNext } from "../routes.tsx";
import { CHALLENGE_COOKIE, CHALLENGE_PATH } from "../sign-in-policy.ts";
import { type Challenge, endChallenge, findChallenge, recordCodeFailure } from "./challenge.ts";
import { totpUri } from "./totp.ts";
import { confirmTwoFactor, hasTwoFactor, pendingSecret, verifySecondFactor } from "./two-factor.ts";
import { CodeField, RecoveryCodes, SetUpAuthenticator } from "./views.tsx";

export const codeForm = z.object({
  code: z.string({ error: "Enter the code." }).trim().min(1, "Enter the code.").max(40, "That is not a code."),
});

function CodePage(props: { error?: string | undefined }): SafeHtml {
  return (
    <section class="card auth-card" aria-labelledby="code-title">
      <h1 id="code-title">Two-factor sign-in</h1>
      <form method="post" action={CHALLENGE_PATH} class="stack" novalidate>
        <CodeField error={props.error} />
        <button type="submit">Sign in</button>
      </form>
      <p class="small">
        <a href="/login">Start again</a>
      </p>
    </section>
  );
}

function EnrollPage(props: { secret: string; uri: string; error?: string | undefined }): SafeHtml {
  return (
    <div class="auth-card stack">
      <h1>Two-factor is required</h1>
      <p>Your organization requires a second step when you sign in with a password. Set it up now to continue.</p>
      <SetUpAuthenticator secret={props.secret} uri={props.uri} action={CHALLENGE_PATH} error={props.error} />
    </div>
  );
}

type Pending = { token: string; challenge: Challenge } | null;

async function pending(c: Context<AppEnv>): Promise<Pending> {
  const token = getCookie(c, CHALLENGE_COOKIE);
  if (!token) return null;
  const challenge = await findChallenge(c.get("app").db, token, c.get("app").clock.now());
  return challenge ? { token, challenge } : null;
}

function startOver(c: Context<AppEnv>, message: string): Response {
  deleteCookie(c, CHALLENGE_COOKIE, { path: CHALLENGE_PATH });
  setFlash(c, "error", message);
  return redirect(c, "/login");
}

async function enrollPage(c: Context<AppEnv>, personId: string, error?: string): Promise<Response> {
  const ctx = c.get("app");
  const person = await findPerson(ctx.db, personId);
  const secret = await pendingSecret(ctx, personId, ctx.clock.now(), { create: !error });
  if (!person || !secret) return startOver(c, "Sign in again.");
  const uri = totpUri(secret, person.email, ctx.org.cachedName() ?? "DeskTrust");
  return page(c, <EnrollPage secret={secret} uri={uri} error={error} />, {
    title: "Set up two-factor",
    status: error ? 422 : 200,
  });
}

export function twoFactorSignInRoutes(r: Routes): void {
  r.get(CHALLENGE_PATH, "public", async (c) => {
    const p = await pending(c);
    if (!p) return startOver(c, "Your sign-in expired. Enter your password again.");
    if (!(await hasTwoFactor(c.get("app").db, p.challenge.personId))) return enrollPage(c, p.challenge.personId);
    return page(c, <CodePage />, { title: "Two-factor sign-in" });
  });

  r.post(CHALLENGE_PATH, "public", async (c) => {
    const ctx = c.get("app");
    const p = await pending(c);
    if (!p) return startOver(c, "Your sign-in expired. Enter your password again.");
    const { personId } = p.challenge;
    const enrolled = await hasTwoFactor(ctx.db, personId);
    const form = await readForm(c, codeForm);
    const now = ctx.clock.now();
    const wrong = async (message: string): Promise<Response> => {
      if ((await recordCodeFailure(ctx.db, p.token)) === 0)
        return startOver(c, "Too many wrong codes. Enter your password again.");
      return enrolled
        ? page(c, <CodePage error={message} />, { title: "Two-factor sign-in", status: 422 })
        : enrollPage(c, personId, message);
    };
    if (!form.ok) return wrong(form.errors.code ?? "Enter the code.");
    const person = await findPerson(ctx.db, personId);
    if (person?.status !== "active") return startOver(c, "This account is deactivated.");
    let recoveryCodes: string[] | null = null;
    if (enrolled) {
      const result = await verifySecondFactor(ctx, { personId, code: form.data.code, at: now });
      if (!result.ok) return wrong("That code is not right, or was used already.");
    } else {
      const result = await confirmTwoFactor(ctx, { personId, code: form.data.code, at: now });
      if (!result.ok) return wrong(result.message);
      recoveryCodes = result.recoveryCodes;
    }
    await endChallenge(ctx.db, p.token);
    deleteCookie(c, CHALLENGE_COOKIE, { path: CHALLENGE_PATH });
    await signIn(c, personId);
    const next = safeNext(p.challenge.next);
    if (recoveryCodes) {
      return page(c, <RecoveryCodes codes={recoveryCodes} continueTo={next} />, { title: "Recovery codes" });
    }
    return redirect(c, next);
  });
}
