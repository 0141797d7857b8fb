import { defineConfig } from "drizzle-kit";

// This plugin's migrations only; run `npx drizzle-kit generate --config plugins/calendar-audit/drizzle.config.ts`.
export default defineConfig({
  dialect: "postgresql",
  schema: "./plugins/calendar-audit/schema.ts",
  out: "./plugins/calendar-audit/migrations",
  schemaFilter: ["calendar_audit"],
});
