import { defineConfig } from "drizzle-kit";

// Core migrations only; each plugin has its own config in plugins/<id>/drizzle.config.ts.
export default defineConfig({
  dialect: "postgresql",
  schema: "./server/db/schema.ts",
  out: "./migrations",
});
