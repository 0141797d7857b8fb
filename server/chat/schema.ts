import { sql } from "drizzle-orm";
import { check, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { people, teams } from "../people/schema.ts";

export const chatProviders = ["slack"] as const;
export type ChatProvider = (typeof chatProviders)[number];

/**
 * A person's account in a chat workspace, linked only through an email address the chat
 * service says is verified. A linked account turns the chat channel on by default.
 */
export const chatAccounts = pgTable(
  "chat_accounts",
  {
    personId: uuid("person_id")
      .notNull()
      .references(() => people.id, { onDelete: "cascade" }),
    provider: text("provider", { enum: chatProviders }).notNull(),
    /** The chat service's user id (Slack: `U…`). */
    userId: text("user_id").notNull(),
    /** The workspace (Slack team id), when known. */
    workspaceId: text("workspace_id").notNull().default(""),
    linkedAt: timestamp("linked_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.personId, t.provider] }),
    uniqueIndex("chat_accounts_user_unique").on(t.provider, t.userId),
    check("chat_accounts_provider", sql`${t.provider} in ('slack')`),
  ],
);

/** The chat channel a team's weekly bottom lines are posted to. */
export const chatTeamChannels = pgTable(
  "chat_team_channels",
  {
    teamId: uuid("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    provider: text("provider", { enum: chatProviders }).notNull(),
    channelId: text("channel_id").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.teamId, t.provider] }),
    check("chat_team_channels_provider", sql`${t.provider} in ('slack')`),
  ],
);
