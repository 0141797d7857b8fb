import { index, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { pluginSchema } from "../../server/plugin-api.ts";

/** Every kudos table lives in the plugin's own Postgres schema, `kudos`. */
export const kudosSchema = pluginSchema("kudos");

export const kudos = kudosSchema.table(
  "kudos",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    fromId: uuid("from_id").notNull(),
    toId: uuid("to_id").notNull(),
    message: text("message").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("kudos_to_idx").on(t.toId, t.createdAt), index("kudos_from_idx").on(t.fromId, t.createdAt)],
);
