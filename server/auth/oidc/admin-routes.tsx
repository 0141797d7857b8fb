import { and, asc, eq } from "drizzle-orm";
import type { Context } from "hono";
import { Field, FormErrors, PageHeader } from "../../../views/components.tsx";
import type { SafeHtml } from "../../../views/html/escape.ts";
import type { Routes } from "../../http/access.ts";
import type { AppEnv } from "../../http/env.ts";
import { type FieldErrors, HttpError } from "../../http/errors.ts";
import { setFlash } from "../../http/flash.ts";
import { type FormValues, readForm } from "../../http/forms.ts";
import { page, redirect } from "../../http/render.tsx";
import { people, teams } from "../../people/schema.ts";
import { linkedPeopleCount } from "./provisioning.ts";
import { callbackUrl } from "./routes.tsx";
import { readSsoSettings, type SsoSettings } from "./settings.ts";
import { roleMappingText, saveSsoSettings, ssoSettingsForm, teamMappingText } from "./settings-form.ts";

interface SsoPageProps {
  values: FormValues;
  errors: FieldErrors;
  redirectUri: string;
  envIssuer: string | undefined;
  secretStored: boolean;
  owners: { id: string; name: string }[];
  linked: number;
}

function Checkbox(props: {
  name: string;
  label: string;
  checked: boolean;
  hint: string;
  error?: string | undefined;
}): SafeHtml {
  return (
    <div class={props.error ? "field has-error" : "field"}>
      <label class="checkbox" for={`f-${props.name}`}>
        <input
          type="checkbox"
          id={`f-${props.name}`}
          name={props.name}
          value="on"
          checked={props.checked}
          aria-describedby={`f-${props.name}-hint`}
        />
        {props.label}
      </label>
      <p class="hint" id={`f-${props.name}-hint`}>
        {props.hint}
      </p>
      {props.error ? <p class="field-error">{props.error}</p> : null}
    </div>
  );
}

function Mapping(props: {
  name: string;
  label: string;
  value: string;
  hint: string;
  error?: string | undefined;
}): SafeHtml {
  return (
    <div class={props.error ? "field has-error" : "field"}>
      <label for={`f-${props.name}`}>{props.label}</label>
      <textarea
        id={`f-${props.name}`}
        name={props.name}
        rows="4"
        aria-describedby={`f-${props.name}-hint`}
        aria-invalid={props.error ? "true" : undefined}
      >
        {props.value}
      </textarea>
      <p class="hint" id={`f-${props.name}-hint`}>
        {props.hint}
      </p>
      {props.error ? <p class="field-error">{props.error}</p> : null}
    </div>
  );
}

function SsoPage(props: SsoPageProps): SafeHtml {
  const v = (name: string): string => String(props.values[name] ?? "");
  const on = (name: string): boolean => v(name) === "on" || v(name) === "true";
  return (
    <>
      <PageHeader title="Single sign-on">
        <a class="button button-secondary" href="/admin/scim">
          SCIM provisioning
        </a>
      </PageHeader>
      <p class="muted">
        People sign in with the company's OpenID Connect provider (Microsoft Entra ID, Google, Okta, Keycloak,
        Authentik…). Register DeskTrust at the provider as a web application with this redirect URI:
      </p>
      <p>
        <label for="redirect-uri">Redirect URI</label>
        <input id="redirect-uri" type="text" readonly value={props.redirectUri} />
      </p>
      <p class="muted small">{props.linked} people have signed in through the provider so far.</p>
      <FormErrors errors={props.errors} />
      <form method="post" action="/admin/sso" class="stack card" novalidate>
        <h2>Identity provider</h2>
        {props.envIssuer ? (
          <p class="alert alert-info">
            The connection is set by the environment (<code>OIDC_ISSUER</code> = {props.envIssuer}); the fields below
            are ignored while it is.
          </p>
        ) : null}
        <Field
          label="Issuer URL"
          name="issuer"
          type="url"
          value={v("issuer")}
          error={props.errors.issuer}
          hint="The provider's issuer; DeskTrust reads /.well-known/openid-configuration under it."
        />
        <Field label="Client id" name="clientId" value={v("clientId")} error={props.errors.clientId} />
        <Field
          label="Client secret"
          name="clientSecret"
          type="password"
          autocomplete="off"
          error={props.errors.clientSecret}
          hint={
            props.secretStored
              ? "A secret is stored (encrypted). Leave blank to keep it."
              : "Leave blank for a public client (PKCE only)."
          }
        />
        <Field label="Button label" name="buttonLabel" value={v("buttonLabel")} error={props.errors.buttonLabel} />
        <h2>Accounts</h2>
        <Checkbox
          name="jitAccounts"
          label="Create accounts on first sign-in"
          checked={on("jitAccounts")}
          hint="Only for verified emails in the organization's email domains. Others need an invite."
        />
        <Field
          label="Groups claim"
          name="groupsClaim"
          value={v("groupsClaim")}
          error={props.errors.groupsClaim}
          hint="The ID-token claim that lists the person's groups (groups for Entra ID, Okta, Keycloak)."
        />
        <Mapping
          name="roleMapping"
          label="Groups → role"
          value={v("roleMapping")}
          error={props.errors.roleMapping}
          hint="One per line: “group = admin”, “group = manager” or “group = member”. The highest match wins; with any line here, people in no listed group become members. Owners are never changed."
        />
        <Mapping
          name="teamMapping"
          label="Groups → team"
          value={v("teamMapping")}
          error={props.errors.teamMapping}
          hint="One per line: “group = Team name”. Each sign-in adds the person to the teams of their groups and takes them off the other listed teams."
        />
        <h2>Sign-in policy</h2>
        <Checkbox
          name="ssoOnly"
          label="Single sign-on only"
          checked={on("ssoOnly")}
          error={props.errors.ssoOnly}
          hint="Turns password sign-in off for everyone except the break-glass owner below."
        />
        <div class={props.errors.breakGlassPersonId ? "field has-error" : "field"}>
          <label for="f-breakGlassPersonId">Break-glass owner</label>
          <select id="f-breakGlassPersonId" name="breakGlassPersonId">
            <option value="">(none)</option>
            {props.owners.map((o) => (
              <option value={o.id} selected={o.id === v("breakGlassPersonId")}>
                {o.name}
              </option>
            ))}
          </select>
          {props.errors.breakGlassPersonId ? <p class="field-error">{props.errors.breakGlassPersonId}</p> : null}
        </div>
        <Checkbox
          name="requireTwoFactor"
          label="Require two-factor for password sign-in"
          checked={on("requireTwoFactor")}
          hint="People who sign in with a password must set up an authenticator app at their next sign-in."
        />
        <div>
          <button type="submit">Save</button>
        </div>
      </form>
    </>
  );
}

function valuesOf(settings: SsoSettings, teamNames: Map<string, string>): FormValues {
  return {
    issuer: settings.issuer,
    clientId: settings.clientId,
    buttonLabel: settings.buttonLabel,
    groupsClaim: settings.groupsClaim,
    roleMapping: roleMappingText(settings.roleMapping),
    teamMapping: teamMappingText(settings.teamMapping, teamNames),
    jitAccounts: settings.jitAccounts ? "on" : "",
    ssoOnly: settings.ssoOnly ? "on" : "",
    breakGlassPersonId: settings.breakGlassPersonId ?? "",
    requireTwoFactor: settings.requireTwoFactor ? "on" : "",
  };
}

async function render(c: Context<AppEnv>, form?: { values: FormValues; errors: FieldErrors }): Promise<Response> {
  const ctx = c.get("app");
  const settings = await readSsoSettings(ctx.db);
  const teamRows = await ctx.db.select({ id: teams.id, name: teams.name }).from(teams);
  const owners = await ctx.db
    .select({ id: people.id, name: people.name })
    .from(people)
    .where(and(eq(people.role, "owner"), eq(people.status, "active")))
    .orderBy(asc(people.name));
  return page(
    c,
    <SsoPage
      values={form?.values ?? valuesOf(settings, new Map(teamRows.map((t) => [t.id, t.name])))}
      errors={form?.errors ?? {}}
      redirectUri={callbackUrl(c)}
      envIssuer={ctx.config.oidc?.issuer}
      secretStored={settings.clientSecretSealed !== ""}
      owners={owners}
      linked={await linkedPeopleCount(ctx.db)}
    />,
    { title: "Single sign-on", status: form ? 422 : 200 },
  );
}

export function ssoAdminRoutes(r: Routes): void {
  r.get("/admin/sso", "admin", (c) => render(c));

  r.post("/admin/sso", "admin", async (c) => {
    const viewer = c.get("viewer");
    if (!viewer) throw new HttpError(401, "Please sign in to continue.");
    const form = await readForm(c, ssoSettingsForm);
    if (!form.ok) return render(c, form);
    const ctx = c.get("app");
    const saved = await saveSsoSettings(ctx, { actorId: viewer.id, form: form.data, at: ctx.clock.now() });
    if (!saved.ok) return render(c, { values: form.values, errors: saved.errors });
    setFlash(c, "success", "Single sign-on settings saved.");
    return redirect(c, "/admin/sso");
  });
}
