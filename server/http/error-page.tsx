import type { Context } from "hono";
import type { SafeHtml } from "../../views/html/escape.ts";
import type { AppEnv } from "./env.ts";
import type { HttpError } from "./errors.ts";
import { page, wantsFragment } from "./render.tsx";

const titles: Record<number, string> = {
  400: "Bad request",
  401: "Sign in required",
  403: "Not allowed",
  404: "Not found",
  405: "Method not allowed",
  409: "Conflict",
  413: "Too large",
  415: "Unsupported format",
  422: "Check the form",
  429: "Too many attempts",
  500: "Something went wrong",
  503: "Unavailable",
};

function ErrorBody(props: { status: number; message: string }): SafeHtml {
  return (
    <section class="card error-page" aria-labelledby="error-title">
      <p class="badge badge-danger">Error {props.status}</p>
      <h1 id="error-title">{titles[props.status] ?? "Error"}</h1>
      <p>{props.message}</p>
      <p>
        <a href="/">Back to the home page</a>
      </p>
    </section>
  );
}

/**
 * The one error response: JSON under `/api`, an alert fragment for htmx (retargeted to the
 * flash area), a full page otherwise.
 */
export function renderError(c: Context<AppEnv>, error: HttpError): Response {
  const status = error.status;
  if (c.req.path.startsWith("/api/") || c.req.path === "/api") {
    return c.json(
      { error: { status, message: error.message, ...(error.fields ? { fields: error.fields } : {}) } },
      status,
    );
  }
  if (wantsFragment(c)) {
    c.header("HX-Retarget", "#flash");
    c.header("HX-Reswap", "innerHTML");
    c.header("Vary", "HX-Request");
    return c.html(`<div class="alert alert-error" role="alert">${(<span>{error.message}</span>).value}</div>`, status);
  }
  return page(c, <ErrorBody status={status} message={error.message} />, { title: titles[status] ?? "Error", status });
}
