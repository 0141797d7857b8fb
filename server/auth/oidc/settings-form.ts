import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import type { FieldErrors } from "../../http/errors.ts";
import { text } from "../../http/forms.ts";
import { audit } from "../../org/audit.ts";
import { seal } from "../../org/sealed.ts";
import { people, teams } from "../../people/schema.ts";
import { forgetProvider, isLocalIssuer } from "./client.ts";
import { type RoleMapping, ssoSettings, type TeamMapping } from "./schema.ts";
import { readSsoSettings, type SsoSettings } from "./settings.ts";

const checkbox = z
  .string()
  .optional()
  .transform((v) => v === "on" || v === "true");

const optionalText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be at most ${max} characters.`)
    .optional()
    .transform((v) => v ?? "");

export const ssoSettingsForm = z.object({
  issuer: optionalText("Issuer URL", 500).refine((v) => {
    if (!v) return true;
    try {
      const url = new URL(v);
      return url.protocol === "https:" || isLocalIssuer(v);
    } catch {
      return false;
    }
  }, "Enter the provider's https:// issuer URL, e.g. https://login.microsoftonline.com/<tenant>/v2.0."),
  clientId: optionalText("Client id", 500),
  clientSecret: optionalText("Client secret", 2000),
  buttonLabel: text("Button label", 80),
  groupsClaim: text("Groups claim", 100).regex(/^[A-Za-z0-9_:./-]+$/, "Use the claim's name, e.g. groups."),
  roleMapping: optionalText("Role mapping", 10_000),
  teamMapping: optionalText("Team mapping", 10_000),
  jitAccounts: checkbox,
  ssoOnly: checkbox,
  breakGlassPersonId: optionalText("Break-glass owner", 40),
  requireTwoFactor: checkbox,
});
export type SsoSettingsInput = z.output<typeof ssoSettingsForm>;

const mappableRoles = ["admin", "manager", "member"] as const;

/** "group = value" per line; blank lines and lines starting with # are skipped. */
function mappingLines(text: string): { line: number; group: string; value: string }[] | string {
  const out: { line: number; group: string; value: string }[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const at = line.lastIndexOf("=");
    const group = line.slice(0, at).trim();
    const value = line.slice(at + 1).trim();
    if (at < 1 || !group || !value) return `Line ${i + 1}: write “group = value”.`;
    out.push({ line: i + 1, group, value });
  }
  return out;
}

/** Renders stored mappings back into the textarea format. */
export function roleMappingText(mapping: RoleMapping[]): string {
  return mapping.map((m) => `${m.group} = ${m.role}`).join("\n");
}

export function teamMappingText(mapping: TeamMapping[], teamNames: Map<string, string>): string {
  return mapping.map((m) => `${m.group} = ${teamNames.get(m.teamId) ?? m.teamId}`).join("\n");
}

export type SaveSsoSettings = { ok: true; settings: SsoSettings } | { ok: false; errors: FieldErrors };

/**
 * Validates what the admin page sent against the database (teams, owners) and saves it with an
 * audit entry naming what changed. A blank client secret keeps the stored one.
 */
export async function saveSsoSettings(
  ctx: AppContext,
  input: { actorId: string; form: SsoSettingsInput; at: Date },
): Promise<SaveSsoSettings> {
  const { form } = input;
  const errors: FieldErrors = {};
  const roleLines = mappingLines(form.roleMapping);
  const roleMapping: RoleMapping[] = [];
  if (typeof roleLines === "string") errors.roleMapping = roleLines;
  else {
    for (const l of roleLines) {
      const role = mappableRoles.find((r) => r === l.value.toLowerCase());
      if (!role) errors.roleMapping ??= `Line ${l.line}: the role must be admin, manager or member.`;
      else roleMapping.push({ group: l.group, role });
    }
  }
  const teamLines = mappingLines(form.teamMapping);
  const teamMapping: TeamMapping[] = [];
  if (typeof teamLines === "string") errors.teamMapping = teamLines;
  else {
    for (const l of teamLines) {
      const [team] = await ctx.db
        .select({ id: teams.id })
        .from(teams)
        .where(sql`lower(${teams.name}) = ${l.value.toLowerCase()}`);
      if (!team) errors.teamMapping ??= `Line ${l.line}: there is no team called “${l.value}”.`;
      else teamMapping.push({ group: l.group, teamId: team.id });
    }
  }
  if (form.issuer && !form.clientId) errors.clientId = "Enter the client id the provider gave you.";
  if (form.clientId && !form.issuer) errors.issuer = "Enter the provider's issuer URL.";
  const connected = Boolean(ctx.config.oidc || (form.issuer && form.clientId));
  if (form.ssoOnly && !connected) errors.ssoOnly = "Set up the identity provider before turning passwords off.";
  let breakGlass: string | null = null;
  if (form.breakGlassPersonId) {
    const [owner] = await ctx.db
      .select({ id: people.id })
      .from(people)
      .where(
        and(
          sql`${people.id}::text = ${form.breakGlassPersonId}`,
          eq(people.role, "owner"),
          eq(people.status, "active"),
        ),
      );
    if (!owner) errors.breakGlassPersonId = "Choose an active owner.";
    else breakGlass = owner.id;
  }
  if (form.ssoOnly && !form.breakGlassPersonId) {
    errors.breakGlassPersonId = "Choose the owner who may still sign in with a password if the provider is down.";
  }
  if (Object.keys(errors).length) return { ok: false, errors };

  const before = await readSsoSettings(ctx.db);
  const values = {
    issuer: form.issuer,
    clientId: form.clientId,
    clientSecretSealed: form.clientSecret
      ? await seal(ctx, form.clientSecret)
      : form.issuer
        ? before.clientSecretSealed
        : "",
    buttonLabel: form.buttonLabel,
    groupsClaim: form.groupsClaim,
    roleMapping,
    teamMapping,
    jitAccounts: form.jitAccounts,
    ssoOnly: form.ssoOnly,
    breakGlassPersonId: breakGlass,
    requireTwoFactor: form.requireTwoFactor,
    updatedAt: input.at,
  };
  const changed = (Object.keys(values) as (keyof typeof values)[]).filter(
    (k) => k !== "updatedAt" && JSON.stringify(values[k]) !== JSON.stringify(before[k]),
  );
  const settings = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(ssoSettings)
      .values({ id: 1, ...values })
      .onConflictDoUpdate({ target: ssoSettings.id, set: values })
      .returning();
    if (changed.length) {
      await audit(tx, {
        actorId: input.actorId,
        action: "sso.settings-changed",
        details: {
          // The secret itself is never logged, only that it changed.
          changed: changed.map((k) => (k === "clientSecretSealed" ? "clientSecret" : k)),
          ssoOnly: values.ssoOnly,
          requireTwoFactor: values.requireTwoFactor,
        },
        at: input.at,
      });
    }
    return row as SsoSettings;
  });
  if (before.issuer && before.issuer !== settings.issuer) forgetProvider(before.issuer);
  return { ok: true, settings };
}
