import { defineConfig } from "drizzle-kit";

// This plugin's migrations only; run `npm run db:generate -- --config plugins/status-updates/drizzle.config.ts --name <change>`.
export default defineConfig({
  dialect: "postgresql",
  schema: "./plugins/status-updates/schema.ts",
  out: "./plugins/status-updates/migrations",
  schemaFilter: ["status_updates"],
});
