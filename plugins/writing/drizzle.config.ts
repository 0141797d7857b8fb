import { defineConfig } from "drizzle-kit";

// This plugin's migrations only; run `npm run db:generate -- --config plugins/writing/drizzle.config.ts`.
export default defineConfig({
  dialect: "postgresql",
  schema: "./plugins/writing/schema.ts",
  out: "./plugins/writing/migrations",
  schemaFilter: ["writing"],
});
