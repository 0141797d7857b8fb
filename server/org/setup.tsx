import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import { Field, FormErrors } from "../../views/components.tsx";
import type { SafeHtml } from "../../views/html/escape.ts";
import { signIn } from "../auth/middleware.ts";
import { passwordField } from "../auth/password.ts";
import { generateToken, hashToken } from "../auth/tokens.ts";
import type { Routes } from "../http/access.ts";
import type { AppEnv } from "../http/env.ts";
import type { FieldErrors } from "../http/errors.ts";
import { setFlash } from "../http/flash.ts";
import { email, type FormValues, readForm, text, timeZone, timeZoneList } from "../http/forms.ts";

async function readFormValues(c: Context<AppEnv>): Promise<FormValues> {
  return (await readForm(c, z.object({}))).values;
}

import { isLocalRequest } from "../http/local-request.ts";
import { page, redirect } from "../http/render.tsx";
import { people } from "../people/schema.ts";
import { TASK_CLAIM_COOKIE } from "../tasks/routes.tsx";
import { demoTaskClaimedBy, TaskError } from "../tasks/tasks.ts";
import { DEMO_OWNER_EMAIL, DEMO_PASSWORD } from "./demo-core.ts";
import { announceSetupCode, forgetSetupCode, isSetupCode } from "./setup-code.ts";
import { loadDemo, setupOrganization } from "./setup-service.ts";

const domainPattern = /^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/;

const setupForm = z.object({
  orgName: text("Organization name", 120),
  emailDomains: z
    .string()
    .trim()
    .toLowerCase()
    .transform((s) => s.split(/[\s,]+/).filter(Boolean))
    .refine((list) => list.every((d) => domainPattern.test(d)), "Enter domains like example.com, separated by commas.")
    .refine((list) => list.length <= 20, "At most 20 domains."),
  defaultTimeZone: timeZone(),
  ownerName: text("Your name", 120),
  ownerEmail: email(),
  password: passwordField,
});

// Both forms on the page may ask for the code, so the input's id is given (Field derives it from the name).
function SetupCodeField(props: { errors: FieldErrors; id: string }): SafeHtml {
  const error = props.errors.setupCode;
  return (
    <div class={error ? "field has-error" : "field"}>
      <label for={props.id}>Setup code</label>
      <input
        id={props.id}
        name="setupCode"
        type="text"
        required
        autocomplete="off"
        aria-invalid={error ? "true" : undefined}
        aria-describedby={`${props.id}-hint${error ? ` ${props.id}-error` : ""}`}
      />
      <p class="hint" id={`${props.id}-hint`}>
        You are setting up from another machine: copy the code from the server log (the line “setup code”).
      </p>
      {error ? (
        <p class="field-error" id={`${props.id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

function SetupPage(props: { values: FormValues; errors: FieldErrors; askCode: boolean }): SafeHtml {
  const v = (k: string): string => String(props.values[k] ?? "");
  return (
    <div class="setup">
      <section class="card auth-card" aria-labelledby="setup-title">
        <h1 id="setup-title">Set up DeskTrust</h1>
        <p class="muted">Create your organization and its owner account. You can invite everyone else afterwards.</p>
        <FormErrors errors={props.errors} />
        <form method="post" action="/setup" class="stack" novalidate>
          {props.askCode ? <SetupCodeField errors={props.errors} id="setup-code" /> : ""}
          <Field
            label="Organization name"
            name="orgName"
            value={v("orgName")}
            error={props.errors.orgName}
            required
            autocomplete="organization"
          />
          <Field
            label="Email domains"
            name="emailDomains"
            value={v("emailDomains")}
            error={props.errors.emailDomains}
            hint="Addresses at these domains count as internal (e.g. for meeting audits). Comma-separated; may be empty."
            placeholder="example.com"
          />
          <Field
            label="Default time zone"
            name="defaultTimeZone"
            value={v("defaultTimeZone") || "UTC"}
            error={props.errors.defaultTimeZone}
            list="time-zones"
            hint="An IANA name such as Europe/Berlin or America/New_York."
            required
          />
          <datalist id="time-zones">
            {timeZoneList.map((tz) => (
              <option value={tz} />
            ))}
          </datalist>
          <fieldset>
            <legend>Owner account</legend>
            <div class="stack-inner">
              <Field
                label="Your name"
                name="ownerName"
                value={v("ownerName")}
                error={props.errors.ownerName}
                required
                autocomplete="name"
              />
              <Field
                label="Email"
                name="ownerEmail"
                type="email"
                value={v("ownerEmail")}
                error={props.errors.ownerEmail}
                required
                autocomplete="email"
              />
              <Field
                label="Password"
                name="password"
                type="password"
                error={props.errors.password}
                required
                autocomplete="new-password"
                hint="At least 10 characters."
              />
            </div>
          </fieldset>
          <button type="submit">Create organization</button>
        </form>
      </section>
      <section class="card auth-card" aria-labelledby="demo-title">
        <h2 id="demo-title">Just looking?</h2>
        <p class="muted">
          Load a demo organization — four teams across time zones, 32 people and sample data from every plugin — and
          sign in as its owner.
        </p>
        <form method="post" action="/setup/demo" class="stack">
          {props.askCode ? <SetupCodeField errors={props.errors} id="demo-setup-code" /> : ""}
          <button type="submit" class="button-secondary button">
            Load demo organization
          </button>
        </form>
      </section>
    </div>
  );
}

async function refuseWhenSetUp(c: Context<AppEnv>): Promise<Response | null> {
  if (await c.get("app").org.exists()) {
    setFlash(c, "info", "DeskTrust is already set up. Sign in to continue.");
    return redirect(c, "/login");
  }
  return null;
}

const wrongCode: FieldErrors = { setupCode: "Enter the setup code printed in the server log." };

/** Null when the request may set up (from this machine, or with the setup code); else the field error. */
async function setupCodeProblem(c: Context<AppEnv>, values: FormValues): Promise<FieldErrors | null> {
  if (isLocalRequest(c)) return null;
  const ctx = c.get("app");
  await announceSetupCode(ctx);
  const given = values.setupCode;
  return typeof given === "string" && (await isSetupCode(ctx, given)) ? null : wrongCode;
}

export function setupRoutes(r: Routes): void {
  r.get("/setup", "public", async (c) => {
    const refused = await refuseWhenSetUp(c);
    if (refused) return refused;
    const askCode = !isLocalRequest(c);
    if (askCode) await announceSetupCode(c.get("app"));
    return page(c, <SetupPage values={{}} errors={{}} askCode={askCode} />, { title: "Set up" });
  });

  r.post("/setup", "public", async (c) => {
    const refused = await refuseWhenSetUp(c);
    if (refused) return refused;
    const askCode = !isLocalRequest(c);
    const form = await readForm(c, setupForm);
    const codeErrors = await setupCodeProblem(c, form.values);
    if (!form.ok || codeErrors) {
      const errors = { ...(codeErrors ?? {}), ...(form.ok ? {} : form.errors) };
      return page(c, <SetupPage values={form.values} errors={errors} askCode={askCode} />, {
        title: "Set up",
        status: codeErrors ? 403 : 422,
      });
    }
    const result = await setupOrganization(c.get("app"), {
      orgName: form.data.orgName,
      emailDomains: form.data.emailDomains,
      defaultTimeZone: form.data.defaultTimeZone,
      ownerName: form.data.ownerName,
      ownerEmail: form.data.ownerEmail,
      password: form.data.password,
    });
    if (!result.ok) return (await refuseWhenSetUp(c)) as Response;
    await forgetSetupCode(c.get("app"));
    await signIn(c, result.owner.id);
    setFlash(c, "success", `Welcome to DeskTrust, ${result.owner.name}. Next: create a team and invite people.`);
    return redirect(c, "/");
  });

  // The demo loads in the background: the request answers at once with a progress page, and
  // the browser that started it (holding the task's claim cookie) is signed in when it is done.
  r.post("/setup/demo", "public", async (c) => {
    const refused = await refuseWhenSetUp(c);
    if (refused) return refused;
    const ctx = c.get("app");
    const values = isLocalRequest(c) ? {} : await readFormValues(c);
    const codeErrors = await setupCodeProblem(c, values);
    if (codeErrors)
      return page(c, <SetupPage values={{}} errors={codeErrors} askCode />, { title: "Set up", status: 403 });
    const claim = generateToken();
    const started = await ctx.tasks.start(
      { kind: "demo", label: "Loading the demo organization", claimHash: hashToken(claim) },
      async (progress) => {
        const result = await loadDemo(ctx, (step, done, total) => progress.step(step, done, total));
        if (!result.ok)
          throw new TaskError("DeskTrust was set up meanwhile; the demo only loads into an empty install.");
        await forgetSetupCode(ctx);
        return { message: "The demo organization is ready.", resultUrl: "/setup/demo/enter" };
      },
    );
    if (!started.ok) {
      setFlash(c, "info", "A demo organization is already being loaded. Sign in when it is ready.");
      return redirect(c, "/login");
    }
    setCookie(c, TASK_CLAIM_COOKIE, claim, {
      path: "/",
      httpOnly: true,
      sameSite: "Lax",
      secure: ctx.config.secureCookies,
      maxAge: 60 * 60,
    });
    return redirect(c, `/tasks/${started.task.id}`);
  });

  /** Signs in the browser that started the demo load as the demo's owner, once it has loaded. */
  r.get("/setup/demo/enter", "public", async (c) => {
    const ctx = c.get("app");
    const claim = getCookie(c, TASK_CLAIM_COOKIE);
    const task = claim ? await demoTaskClaimedBy(ctx.db, hashToken(claim)) : undefined;
    if (task?.status !== "succeeded") {
      setFlash(c, "info", `Sign in as ${DEMO_OWNER_EMAIL} with the password "${DEMO_PASSWORD}".`);
      return redirect(c, "/login");
    }
    const [owner] = await ctx.db.select({ id: people.id }).from(people).where(eq(people.email, DEMO_OWNER_EMAIL));
    deleteCookie(c, TASK_CLAIM_COOKIE, { path: "/" });
    if (!owner) return redirect(c, "/login");
    await signIn(c, owner.id);
    setFlash(
      c,
      "success",
      `Demo loaded. You are signed in as ${DEMO_OWNER_EMAIL}; every demo account uses the password "${DEMO_PASSWORD}".`,
    );
    return redirect(c, "/");
  });
}
