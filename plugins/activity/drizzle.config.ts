import { defineConfig } from "drizzle-kit";

// This plugin's migrations only; run `npx drizzle-kit generate --config plugins/activity/drizzle.config.ts`.
export default defineConfig({
  dialect: "postgresql",
  schema: "./plugins/activity/schema.ts",
  out: "./plugins/activity/migrations",
  schemaFilter: ["activity"],
});
