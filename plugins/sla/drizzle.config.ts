import { defineConfig } from "drizzle-kit";

// This plugin's migrations only; run `npx drizzle-kit generate --config plugins/sla/drizzle.config.ts`.
export default defineConfig({
  dialect: "postgresql",
  schema: "./plugins/sla/schema.ts",
  out: "./plugins/sla/migrations",
  schemaFilter: ["sla"],
});
