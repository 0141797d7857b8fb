import { EmptyState, PageHeader } from "../../views/components.tsx";
import type { SafeHtml } from "../../views/html/escape.ts";
import type { Routes } from "../http/access.ts";
import { HttpError, notFound } from "../http/errors.ts";
import { setFlash } from "../http/flash.ts";
import { page, redirect } from "../http/render.tsx";
import type { JobDefinition } from "./job.ts";
import { type JobRun, jobHistory, lastRuns } from "./scheduler.ts";

function when(date: Date | null | undefined): string {
  return date ? `${date.toISOString().replace("T", " ").slice(0, 16)} UTC` : "—";
}

function RunStatus(props: { run: JobRun | undefined }): SafeHtml {
  const run = props.run;
  if (!run) return <span class="badge">Never run</span>;
  const cls =
    run.status === "failed"
      ? "badge badge-danger"
      : run.status === "running"
        ? "badge badge-accent"
        : "badge badge-success";
  return <span class={cls}>{run.status}</span>;
}

function JobTable(props: {
  jobs: JobDefinition[];
  last: Map<string, JobRun>;
  next: (id: string) => Date | null;
  enabled: (id: string) => boolean;
}): SafeHtml {
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Schedule</th>
            <th scope="col">Last run</th>
            <th scope="col">Next run</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.jobs.map((job) => {
            const last = props.last.get(job.id);
            return (
              <tr>
                <td>
                  <a href={`/admin/jobs/${job.id}`}>
                    <code>{job.id}</code>
                  </a>
                  {job.description ? <p class="muted small">{job.description}</p> : null}
                  {!props.enabled(job.id) ? <span class="badge">Plugin disabled</span> : null}
                </td>
                <td>
                  <code>{job.schedule}</code>{" "}
                  <span class="muted small">
                    {job.timezone ?? "UTC"} · {job.scope}
                  </span>
                </td>
                <td>
                  <RunStatus run={last} /> <span class="small muted">{when(last?.startedAt)}</span>
                  {last?.durationMs !== null && last?.durationMs !== undefined ? (
                    <span class="small muted"> · {last.durationMs} ms</span>
                  ) : null}
                </td>
                <td class="small">{when(props.next(job.id))}</td>
                <td class="actions">
                  <form method="post" action={`/admin/jobs/${job.id}/run`} class="inline-form">
                    <button type="submit" class="button button-secondary button-small">
                      Run now
                    </button>
                  </form>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function History(props: { runs: JobRun[] }): SafeHtml {
  if (!props.runs.length) return <EmptyState title="This job has not run yet." />;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Trigger</th>
            <th scope="col">Status</th>
            <th scope="col">Duration</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {props.runs.map((run) => (
            <tr>
              <td>{when(run.startedAt)}</td>
              <td>{run.trigger}</td>
              <td>
                <RunStatus run={run} />
              </td>
              <td>{run.durationMs ?? "—"} ms</td>
              <td>
                {run.error ? (
                  <pre class="mail">{run.error.split("\n").slice(0, 4).join("\n")}</pre>
                ) : (
                  (run.summary ?? "")
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function jobAdminRoutes(r: Routes): void {
  r.get("/admin/jobs", "admin", async (c) => {
    const ctx = c.get("app");
    const jobs = ctx.scheduler.list();
    const last = await lastRuns(ctx.db);
    return page(
      c,
      <>
        <PageHeader title="Jobs" />
        <p class="muted">Global jobs run once per slot across all instances; after downtime a missed slot runs once.</p>
        <JobTable
          jobs={jobs}
          last={last}
          next={(id) => ctx.scheduler.nextRun(id)}
          enabled={(id) => ctx.plugins.ownerEnabled(id)}
        />
      </>,
      { title: "Jobs" },
    );
  });

  r.get("/admin/jobs/:id", "admin", async (c) => {
    const ctx = c.get("app");
    const job = ctx.scheduler.get(c.req.param("id") ?? "");
    if (!job) throw notFound("Job");
    const runs = await jobHistory(ctx.db, job.id);
    return page(
      c,
      <>
        <PageHeader title={job.id}>
          <form method="post" action={`/admin/jobs/${job.id}/run`} class="inline-form">
            <button type="submit">Run now</button>
          </form>
        </PageHeader>
        {job.description ? <p class="muted">{job.description}</p> : null}
        <History runs={runs} />
      </>,
      { title: `Job ${job.id}` },
    );
  });

  r.post("/admin/jobs/:id/run", "admin", async (c) => {
    const ctx = c.get("app");
    const job = ctx.scheduler.get(c.req.param("id") ?? "");
    if (!job) throw notFound("Job");
    if (!ctx.plugins.ownerEnabled(job.id))
      throw new HttpError(409, `${job.id} belongs to a disabled plugin; enable it first.`);
    const run = await ctx.scheduler.runNow(job.id);
    setFlash(
      c,
      run.status === "failed" ? "error" : "success",
      run.status === "failed"
        ? `${job.id} failed: ${(run.error ?? "").split("\n")[0]}`
        : `${job.id} ran in ${run.durationMs} ms${run.summary ? `: ${run.summary}` : "."}`,
    );
    return redirect(c, `/admin/jobs/${job.id}`);
  });
}
