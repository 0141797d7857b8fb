import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { people } from "../../people/schema.ts";

/** One identity-provider group mapped to a role (`admin`, `manager`, `member`). */
export interface RoleMapping {
  group: string;
  role: "admin" | "manager" | "member";
}

/** One identity-provider group mapped to a team (by id). */
export interface TeamMapping {
  group: string;
  teamId: string;
}

/** Single sign-on and sign-in policy of the organization: one row, edited on /admin/sso. */
export const ssoSettings = pgTable(
  "sso_settings",
  {
    id: integer("id").primaryKey().default(1),
    issuer: text("issuer").notNull().default(""),
    clientId: text("client_id").notNull().default(""),
    /** Sealed with the install key (`seal`), never shown back. */
    clientSecretSealed: text("client_secret_sealed").notNull().default(""),
    buttonLabel: text("button_label").notNull().default("Sign in with single sign-on"),
    groupsClaim: text("groups_claim").notNull().default("groups"),
    roleMapping: jsonb("role_mapping").$type<RoleMapping[]>().notNull().default([]),
    teamMapping: jsonb("team_mapping").$type<TeamMapping[]>().notNull().default([]),
    jitAccounts: boolean("jit_accounts").notNull().default(true),
    ssoOnly: boolean("sso_only").notNull().default(false),
    breakGlassPersonId: uuid("break_glass_person_id").references(() => people.id, { onDelete: "set null" }),
    requireTwoFactor: boolean("require_two_factor").notNull().default(false),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("sso_settings_single_row", sql`${t.id} = 1`)],
);

/** Which identity-provider account (issuer + `sub`) signs in as which person. */
export const ssoIdentities = pgTable(
  "sso_identities",
  {
    issuer: text("issuer").notNull(),
    subject: text("subject").notNull(),
    personId: uuid("person_id")
      .notNull()
      .references(() => people.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSignInAt: timestamp("last_sign_in_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.issuer, t.subject] }), index("sso_identities_person_idx").on(t.personId)],
);

/**
 * A sign-in that went to the identity provider and has not come back yet. Keyed by the hash of
 * `state`; deleted when the callback uses it, so a replayed `state` finds nothing.
 */
export const ssoSignInAttempts = pgTable("sso_sign_in_attempts", {
  stateHash: text("state_hash").primaryKey(),
  codeVerifier: text("code_verifier").notNull(),
  nonce: text("nonce").notNull(),
  next: text("next").notNull().default("/"),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
});
