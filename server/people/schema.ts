import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  date,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

export const roles = ["owner", "admin", "manager", "member"] as const;
export type Role = (typeof roles)[number];

export const weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof weekdays)[number];
/** Local "HH:MM" open intervals per weekday, half-open: `{ mon: [["09:00", "17:00"]] }`. */
export type WorkingHours = Partial<Record<Weekday, [string, string][]>>;

export const people = pgTable(
  "people",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: roles }).notNull().default("member"),
    timeZone: text("time_zone").notNull(),
    workingHours: jsonb("working_hours").$type<WorkingHours>().notNull(),
    startDate: date("start_date"),
    status: text("status", { enum: ["active", "deactivated"] })
      .notNull()
      .default("active"),
    passwordHash: text("password_hash"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("people_email_unique").on(sql`lower(${t.email})`),
    check("people_role_check", sql`${t.role} in ('owner', 'admin', 'manager', 'member')`),
  ],
);

export const teams = pgTable(
  "teams",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    timeZone: text("time_zone").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("teams_name_unique").on(sql`lower(${t.name})`)],
);

export const teamMembers = pgTable(
  "team_members",
  {
    teamId: uuid("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    personId: uuid("person_id")
      .notNull()
      .references(() => people.id, { onDelete: "cascade" }),
    isManager: boolean("is_manager").notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.personId] }), index("team_members_person_idx").on(t.personId)],
);

export const teamHolidays = pgTable(
  "team_holidays",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    teamId: uuid("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    day: date("day").notNull(),
    name: text("name").notNull(),
  },
  (t) => [uniqueIndex("team_holidays_day_unique").on(t.teamId, t.day)],
);

/** An out-of-office period, a half-open interval of instants `[startsAt, endsAt)`. */
export const outOfOffice = pgTable(
  "out_of_office",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    personId: uuid("person_id")
      .notNull()
      .references(() => people.id, { onDelete: "cascade" }),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    endsAt: timestamp("ends_at", { withTimezone: true }).notNull(),
    note: text("note").notNull().default(""),
  },
  (t) => [
    index("out_of_office_person_idx").on(t.personId, t.startsAt),
    check("out_of_office_order", sql`${t.endsAt} > ${t.startsAt}`),
  ],
);
