import { defineConfig } from "drizzle-kit";

// This plugin's migrations only; run `npm run db:generate -- --config plugins/kudos/drizzle.config.ts`.
export default defineConfig({
  dialect: "postgresql",
  schema: "./plugins/kudos/schema.ts",
  out: "./plugins/kudos/migrations",
  schemaFilter: ["kudos"],
});
