import { pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { people } from "../people/schema.ts";

export const digestFrequencies = ["weekly", "daily", "off"] as const;
export type DigestFrequency = (typeof digestFrequencies)[number];

/** A person's digest choice; no row means the default, weekly. */
export const digestPreferences = pgTable("digest_preferences", {
  personId: uuid("person_id")
    .primaryKey()
    .references(() => people.id, { onDelete: "cascade" }),
  frequency: text("frequency", { enum: digestFrequencies }).notNull().default("weekly"),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
