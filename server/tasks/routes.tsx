import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { PageHeader } from "../../views/components.tsx";
import type { SafeHtml } from "../../views/html/escape.ts";
import { hashToken } from "../auth/tokens.ts";
import { hasRole, type Routes } from "../http/access.ts";
import type { AppEnv } from "../http/env.ts";
import { notFound } from "../http/errors.ts";
import { page } from "../http/render.tsx";
import { isUuid } from "../people/people.ts";
import type { BackgroundTask } from "./schema.ts";

/** The cookie a browser keeps for a task it started before it had an account (the demo). */
export const TASK_CLAIM_COOKIE = "desktrust_task";

/** Who may watch a task: whoever started it (by account or by claim cookie) and admins. */
export function canSee(c: Context<AppEnv>, task: BackgroundTask): boolean {
  const viewer = c.get("viewer");
  if (viewer && (task.startedBy === viewer.id || hasRole(viewer, "admin"))) return true;
  const claim = getCookie(c, TASK_CLAIM_COOKIE);
  return Boolean(claim && task.claimHash && hashToken(claim) === task.claimHash);
}

function TaskStatus(props: { task: BackgroundTask }): SafeHtml {
  const t = props.task;
  const running = t.status === "running";
  const percent = t.total > 0 ? Math.min(100, Math.round((t.done / t.total) * 100)) : undefined;
  return (
    <section
      id="task-status"
      class="card stack"
      aria-live="polite"
      aria-busy={running ? "true" : "false"}
      {...(running ? { "hx-get": `/tasks/${t.id}`, "hx-trigger": "every 1s", "hx-swap": "outerHTML" } : {})}
    >
      {running ? (
        <>
          <p>{t.step || "Starting…"}</p>
          <progress max={t.total > 0 ? String(t.total) : undefined} value={t.total > 0 ? String(t.done) : undefined}>
            {percent === undefined ? "Working…" : `${percent} %`}
          </progress>
          {percent === undefined ? null : <p class="muted small">{`${percent} % done`}</p>}
          <noscript>
            <p>
              <a href={`/tasks/${t.id}`}>Refresh</a> to see how it is going.
            </p>
          </noscript>
        </>
      ) : t.status === "succeeded" ? (
        <>
          <p>{t.message ?? "Done."}</p>
          {t.resultUrl ? (
            <p>
              <a class="button" href={t.resultUrl}>
                Continue
              </a>
            </p>
          ) : null}
        </>
      ) : (
        <div class="flash flash-error" role="alert">
          <p>{t.message ?? "It did not finish."}</p>
        </div>
      )}
    </section>
  );
}

export function taskRoutes(r: Routes): void {
  /** A task's progress: the page, or for htmx polling only the status box. */
  r.get("/tasks/:id", "public", async (c) => {
    const id = c.req.param("id");
    const task = isUuid(id) ? await c.get("app").tasks.get(id) : undefined;
    if (!task || !canSee(c, task)) throw notFound("Task");
    c.header("Cache-Control", "no-store");
    // The polling box takes the browser on by itself when the work is done.
    if (task.status === "succeeded" && task.resultUrl && c.req.header("HX-Request") === "true") {
      c.header("HX-Redirect", task.resultUrl);
    }
    const status = <TaskStatus task={task} />;
    return page(
      c,
      <>
        <PageHeader title={task.label} />
        {status}
      </>,
      { title: task.label, fragment: status },
    );
  });
}
