import type { Context } from "hono";
import { PageHeader } from "../../../views/components.tsx";
import type { SafeHtml } from "../../../views/html/escape.ts";
import { type Routes, viewerOf } from "../../http/access.ts";
import type { AppEnv, Viewer } from "../../http/env.ts";
import { HttpError } from "../../http/errors.ts";
import { setFlash } from "../../http/flash.ts";
import { readForm } from "../../http/forms.ts";
import { page, redirect } from "../../http/render.tsx";
import { readSsoSettings } from "../oidc/settings.ts";
import { codeForm } from "./sign-in-routes.tsx";
import { totpUri } from "./totp.ts";
import {
  confirmTwoFactor,
  disableTwoFactor,
  hasTwoFactor,
  pendingSecret,
  regenerateRecoveryCodes,
  unusedRecoveryCodes,
  verifySecondFactor,
} from "./two-factor.ts";
import { CodeField, RecoveryCodes, SetUpAuthenticator } from "./views.tsx";

const PATH = "/profile/two-factor";

function EnabledPage(props: { codesLeft: number; required: boolean; error?: string | undefined }): SafeHtml {
  return (
    <>
      <PageHeader title="Two-factor sign-in">
        <a class="button button-secondary" href="/profile">
          Back to profile
        </a>
      </PageHeader>
      <p class="alert alert-success">
        Two-factor is on. Signing in with your password also asks for a code from your authenticator app. You have{" "}
        {props.codesLeft} unused recovery codes.
      </p>
      {props.error ? (
        <p class="alert alert-error" role="alert">
          {props.error}
        </p>
      ) : null}
      <div class="split">
        <section class="card" aria-labelledby="codes-title">
          <h2 id="codes-title">New recovery codes</h2>
          <p class="muted">The old codes stop working.</p>
          <form method="post" action={`${PATH}/recovery-codes`} class="stack" novalidate>
            <CodeField hint="A code from your app, to confirm it is you." />
            <div>
              <button type="submit">Make new recovery codes</button>
            </div>
          </form>
        </section>
        <section class="card" aria-labelledby="off-title">
          <h2 id="off-title">Turn off</h2>
          {props.required ? (
            <p class="muted">Your organization requires two-factor for password sign-in, so it cannot be turned off.</p>
          ) : (
            <form method="post" action={`${PATH}/disable`} class="stack" novalidate>
              <CodeField hint="A code from your app, to confirm it is you." />
              <div>
                <button type="submit" class="button button-danger">
                  Turn off two-factor
                </button>
              </div>
            </form>
          )}
        </section>
      </div>
    </>
  );
}

function sessionViewerOf(c: Context<AppEnv>): Viewer {
  // Changing how you sign in takes a browser session, not an API token.
  if (c.get("viaToken")) throw new HttpError(403, "API tokens cannot change two-factor settings.");
  return viewerOf(c);
}

async function render(c: Context<AppEnv>, error?: string): Promise<Response> {
  const ctx = c.get("app");
  const viewer = sessionViewerOf(c);
  const status = error ? 422 : 200;
  if (await hasTwoFactor(ctx.db, viewer.id)) {
    const required = (await readSsoSettings(ctx.db)).requireTwoFactor;
    const codesLeft = await unusedRecoveryCodes(ctx.db, viewer.id);
    return page(c, <EnabledPage codesLeft={codesLeft} required={required} error={error} />, {
      title: "Two-factor sign-in",
      status,
    });
  }
  // A refused form shows the secret already being set up; only opening the page starts one.
  const secret = await pendingSecret(ctx, viewer.id, ctx.clock.now(), { create: !error });
  if (!secret) {
    throw new HttpError(422, `${error ?? "Start the set-up again."} Open the two-factor page to set it up.`);
  }
  const uri = totpUri(secret, viewer.email, ctx.org.cachedName() ?? "DeskTrust");
  return page(
    c,
    <>
      <PageHeader title="Two-factor sign-in">
        <a class="button button-secondary" href="/profile">
          Back to profile
        </a>
      </PageHeader>
      <p class="muted">
        Two-factor is off. With it on, signing in with your password also asks for a code from an app on your phone.
        (Single sign-on leaves the second step to your company's identity provider.)
      </p>
      <SetUpAuthenticator secret={secret} uri={uri} action={`${PATH}/confirm`} error={error} />
    </>,
    { title: "Two-factor sign-in", status },
  );
}

export function twoFactorProfileRoutes(r: Routes): void {
  r.get(PATH, "signed-in", (c) => render(c));

  r.post(`${PATH}/confirm`, "signed-in", async (c) => {
    const viewer = sessionViewerOf(c);
    const ctx = c.get("app");
    const form = await readForm(c, codeForm);
    if (!form.ok) return render(c, form.errors.code);
    const result = await confirmTwoFactor(ctx, { personId: viewer.id, code: form.data.code, at: ctx.clock.now() });
    if (!result.ok) return render(c, result.message);
    return page(c, <RecoveryCodes codes={result.recoveryCodes} continueTo={PATH} />, { title: "Recovery codes" });
  });

  r.post(`${PATH}/recovery-codes`, "signed-in", async (c) => {
    const viewer = sessionViewerOf(c);
    const ctx = c.get("app");
    const form = await readForm(c, codeForm);
    if (!form.ok) return render(c, form.errors.code);
    const now = ctx.clock.now();
    if (!(await verifySecondFactor(ctx, { personId: viewer.id, code: form.data.code, at: now })).ok) {
      return render(c, "That code is not right, or was used already.");
    }
    const codes = await regenerateRecoveryCodes(ctx.db, { personId: viewer.id, at: now });
    return page(c, <RecoveryCodes codes={codes} continueTo={PATH} />, { title: "Recovery codes" });
  });

  r.post(`${PATH}/disable`, "signed-in", async (c) => {
    const viewer = sessionViewerOf(c);
    const ctx = c.get("app");
    if ((await readSsoSettings(ctx.db)).requireTwoFactor) {
      throw new HttpError(403, "Your organization requires two-factor for password sign-in.");
    }
    const form = await readForm(c, codeForm);
    if (!form.ok) return render(c, form.errors.code);
    const now = ctx.clock.now();
    if (!(await verifySecondFactor(ctx, { personId: viewer.id, code: form.data.code, at: now })).ok) {
      return render(c, "That code is not right, or was used already.");
    }
    await disableTwoFactor(ctx.db, { personId: viewer.id, actorId: viewer.id, at: now });
    setFlash(c, "success", "Two-factor is off.");
    return redirect(c, PATH);
  });
}
