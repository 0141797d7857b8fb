import { bigint, index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const backupFormats = ["logical", "pg_dump"] as const;
export const backupTriggers = ["schedule", "admin", "cli"] as const;

/** Every backup that finished: written, synced, renamed into place and checksummed. */
export const backups = pgTable(
  "backups",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    fileName: text("file_name").notNull().unique(),
    /** Where it was written (the server's view of the backup directory). */
    directory: text("directory").notNull(),
    format: text("format", { enum: backupFormats }).notNull(),
    appVersion: text("app_version").notNull(),
    driver: text("driver", { enum: ["pglite", "postgres"] }).notNull(),
    trigger: text("trigger", { enum: backupTriggers }).notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }).notNull(),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull(),
    sha256: text("sha256").notNull(),
    /** `s3://bucket/key` once uploaded to S3-compatible storage. */
    uploadedTo: text("uploaded_to"),
    /** Set when the file was removed by the keep-N rotation. */
    prunedAt: timestamp("pruned_at", { withTimezone: true }),
  },
  (t) => [index("backups_finished_idx").on(t.finishedAt)],
);
