import { z } from "zod";
import { ActionButton, EmptyState, PageHeader } from "../../views/components.tsx";
import { formatInstant } from "../../views/format.ts";
import type { SafeHtml } from "../../views/html/escape.ts";
import type { Routes } from "../http/access.ts";
import { HttpError } from "../http/errors.ts";
import { setFlash } from "../http/flash.ts";
import { readForm } from "../http/forms.ts";
import { page, redirect } from "../http/render.tsx";
import { audit } from "../org/audit.ts";
import { TaskError } from "../tasks/tasks.ts";
import { type Backup, makeBackup } from "./backup.ts";
import { listBackups } from "./records.ts";

/** "3 h 12 min", "2 days" — how long ago, for a glance at backup health. */
export function ageText(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5_400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3_600)} h ${Math.round((seconds % 3_600) / 60)} min`;
  return `${Math.floor(seconds / 86_400)} days`;
}

function sizeText(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function BackupsPage(props: {
  backups: Backup[];
  now: Date;
  timeZone: string;
  schedule: string | null;
  keep: number;
  directory: string;
}): SafeHtml {
  const newest = props.backups.find((b) => !b.prunedAt);
  const age = newest ? (props.now.getTime() - newest.finishedAt.getTime()) / 1000 : null;
  return (
    <>
      <PageHeader title="Backups">
        <ActionButton action="/admin/backups" label="Back up now" fields={{ what: "database" }} />
      </PageHeader>
      <section class="card" aria-label="Backup health">
        <dl class="facts">
          <dt>Last success</dt>
          <dd>
            {newest ? (
              <>
                {formatInstant(newest.finishedAt, props.timeZone)}{" "}
                <span class={age !== null && age > 36 * 3_600 ? "badge badge-danger" : "badge badge-success"}>
                  {ageText(age ?? 0)} ago
                </span>
              </>
            ) : (
              <span class="badge badge-danger">No backup yet</span>
            )}
          </dd>
          <dt>Schedule</dt>
          <dd>{props.schedule ? <code>{props.schedule}</code> : "Off (BACKUP_SCHEDULE=off)"} (UTC)</dd>
          <dt>Kept on disk</dt>
          <dd>The newest {props.keep}</dd>
          <dt>Directory</dt>
          <dd>
            <code>{props.directory}</code>
          </dd>
        </dl>
      </section>
      {props.backups.length ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Finished</th>
                <th scope="col">File</th>
                <th scope="col">Size</th>
                <th scope="col">Format</th>
                <th scope="col">Version</th>
                <th scope="col">SHA-256</th>
              </tr>
            </thead>
            <tbody>
              {props.backups.map((b) => (
                <tr>
                  <td class="nowrap">{formatInstant(b.finishedAt, props.timeZone)}</td>
                  <td>
                    <code>{b.fileName}</code>
                    <p class="muted small">
                      {b.trigger === "schedule" ? "Scheduled" : b.trigger === "admin" ? "Started here" : "Command line"}
                      {b.prunedAt ? " · rotated away" : ""}
                      {b.uploadedTo ? ` · copied to ${b.uploadedTo}` : ""}
                    </p>
                  </td>
                  <td class="nowrap">{sizeText(b.sizeBytes)}</td>
                  <td>{b.format === "pg_dump" ? "pg_dump" : "logical"}</td>
                  <td>{b.appVersion}</td>
                  <td>
                    <code title={b.sha256}>{b.sha256.slice(0, 12)}…</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <EmptyState title="No backups yet.">
          <p>
            Backups are written on the schedule above, by <code>desktrust backup</code>, or with “Back up now”. See the
            operations guide for restoring one.
          </p>
        </EmptyState>
      )}
    </>
  );
}

export function backupRoutes(r: Routes): void {
  r.get("/admin/backups", "admin", async (c) => {
    const ctx = c.get("app");
    return page(
      c,
      <BackupsPage
        backups={await listBackups(ctx.db)}
        now={ctx.clock.now()}
        timeZone={c.get("viewer")?.timeZone ?? "UTC"}
        schedule={ctx.config.backup.schedule}
        keep={ctx.config.backup.keep}
        directory={ctx.config.backup.dir}
      />,
      { title: "Backups" },
    );
  });

  // A backup can take seconds: it runs in the background and the progress page follows it.
  r.post("/admin/backups", "admin", async (c) => {
    const ctx = c.get("app");
    const form = await readForm(c, backupNowForm);
    if (!form.ok) throw new HttpError(422, "Use the “Back up now” button.", { fields: form.errors });
    const actorId = c.get("viewer")?.id ?? null;
    const started = await ctx.tasks.start(
      { kind: "backup", label: "Backing up", startedBy: actorId },
      async (progress) => {
        await progress.step("Writing a consistent snapshot of every table");
        let backup: Backup;
        try {
          backup = await makeBackup(ctx, { trigger: "admin" });
        } catch (error) {
          throw new TaskError(`The backup failed: ${error instanceof Error ? error.message : String(error)}`);
        }
        await audit(ctx.db, { actorId, action: "backup.created", target: backup.fileName, at: ctx.clock.now() });
        return { message: `Backup ${backup.fileName} written.`, resultUrl: "/admin/backups" };
      },
    );
    if (!started.ok) {
      setFlash(c, "info", "A backup is already running.");
      return redirect(c, "/admin/backups");
    }
    return redirect(c, `/tasks/${started.task.id}`);
  });
}

const backupNowForm = z.object({ what: z.literal("database", "Use the “Back up now” button.") });
