import { pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { people, teams } from "../people/schema.ts";

/** Bearer tokens the identity provider's SCIM client uses; only the hash is stored. */
export const scimTokens = pgTable("scim_tokens", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  tokenHash: text("token_hash").notNull().unique(),
  createdBy: uuid("created_by").references(() => people.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  revokedAt: timestamp("revoked_at", { withTimezone: true }),
});

/**
 * What the directory calls a provisioned person: its `userName` (often the email, but Entra ID
 * may send another sign-in name) and its own id (`externalId`).
 */
export const scimPeople = pgTable("scim_people", {
  personId: uuid("person_id")
    .primaryKey()
    .references(() => people.id, { onDelete: "cascade" }),
  userName: text("user_name"),
  externalId: text("external_id"),
});

/** The provider's own id (`externalId`) of a provisioned team. */
export const scimTeams = pgTable("scim_teams", {
  teamId: uuid("team_id")
    .primaryKey()
    .references(() => teams.id, { onDelete: "cascade" }),
  externalId: text("external_id"),
});
