// The core schema: every core table, for drizzle-kit and for queries. Plugins keep their own.
export * from "../auth/schema.ts";
export * from "../mail/schema.ts";
export * from "../org/schema.ts";
export * from "../people/schema.ts";
