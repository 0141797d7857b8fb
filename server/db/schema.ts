// The core schema: every core table, for drizzle-kit and for queries. Plugins keep their own.
export * from "../auth/oidc/schema.ts";
export * from "../auth/schema.ts";
export * from "../auth/totp/schema.ts";
export * from "../backup/schema.ts";
export * from "../chat/schema.ts";
export * from "../digest/schema.ts";
export * from "../events/schema.ts";
export * from "../jobs/schema.ts";
export * from "../mail/schema.ts";
export * from "../notifications/schema.ts";
export * from "../org/schema.ts";
export * from "../outbound/schema.ts";
export * from "../people/schema.ts";
export * from "../plugins/schema.ts";
export * from "../scim/schema.ts";
export * from "../tasks/schema.ts";
