import { defineConfig } from "drizzle-kit";

// This plugin's migrations only; run `npx drizzle-kit generate --config plugins/briefs/drizzle.config.ts`.
export default defineConfig({
  dialect: "postgresql",
  schema: "./plugins/briefs/schema.ts",
  out: "./plugins/briefs/migrations",
  schemaFilter: ["briefs"],
});
