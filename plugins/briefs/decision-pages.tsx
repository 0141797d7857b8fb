import {
  EmptyState,
  Field,
  type FieldErrors,
  FormErrors,
  formatDate,
  HttpError,
  PageHeader,
  type PluginRoutes,
  type RequestServices,
  readForm,
  renderMarkdown,
  requireViewer,
  type SafeHtml,
} from "../../server/plugin-api.ts";
import {
  type Decision,
  decisionExists,
  decisionForm,
  findDecision,
  linksOf,
  recordManualDecision,
  searchDecisions,
} from "./decisions.ts";
import { isUuid, localDate } from "./local-time.ts";
import type { BriefsSettings } from "./settings.ts";
import { BriefsNav, formValues, TextArea } from "./views.tsx";

type S = RequestServices<BriefsSettings>;

const kindLabels: Record<Decision["kind"], string> = { brief: "Kickoff brief", hiring: "Hiring", manual: "Recorded" };

/** One decisions-log entry the viewer may see: 404 when missing, 403 when not theirs to see. */
export async function visibleDecision(s: S, id: string | undefined): Promise<Decision> {
  if (!isUuid(id)) throw new HttpError(404, "There is no such decision.");
  const found = await findDecision(s.db, requireViewer(s).id, id);
  if (found) return found;
  if (await decisionExists(s.db, id)) {
    throw new HttpError(403, "Hiring decisions are only shown to the interview panel and the hiring managers.");
  }
  throw new HttpError(404, "There is no such decision.");
}

function Links(props: { links: string }): SafeHtml | null {
  const links = linksOf(props.links);
  if (!links.length) return null;
  return (
    <>
      <h3>Links</h3>
      <ul class="plain-list">
        {links.map((l) => (
          <li>
            <a href={l}>{l}</a>
          </li>
        ))}
      </ul>
    </>
  );
}

function DecisionRow(props: { d: Decision }): SafeHtml {
  const d = props.d;
  return (
    <li class="briefs-decision-row">
      <a href={`/briefs/decisions/${d.id}`}>{d.title}</a>{" "}
      <span class="muted small">
        <time datetime={d.decidedOn}>{formatDate(d.decidedOn)}</time> · {d.decidedBy} · {kindLabels[d.kind]}
      </span>
    </li>
  );
}

async function newDecisionPage(s: S, values: Record<string, string>, errors: FieldErrors): Promise<Response> {
  return s.page(
    <>
      <BriefsNav current="decisions" />
      <PageHeader title="Record a decision" />
      <form method="post" action="/briefs/decisions" class="stack" novalidate>
        <FormErrors errors={errors} />
        <Field label="What was decided" name="title" value={values.title} error={errors.title} required />
        <Field label="Who decided" name="decidedBy" value={values.decidedBy} error={errors.decidedBy} required />
        <Field label="When" name="decidedOn" type="date" value={values.decidedOn} error={errors.decidedOn} required />
        <TextArea label="Why" name="rationale" rows={6} value={values.rationale} error={errors.rationale} />
        <TextArea
          label="Links (one per line)"
          name="links"
          rows={3}
          value={values.links}
          error={errors.links}
          hint="Portal paths like /briefs/… or http(s) URLs."
        />
        <div>
          <button type="submit">Record decision</button>
        </div>
      </form>
    </>,
    { title: "Record a decision", status: Object.keys(errors).length ? 422 : 200 },
  );
}

export function decisionPages(r: PluginRoutes<BriefsSettings>): void {
  r.get(
    "/decisions",
    "member",
    async (c, s) => {
      const viewer = requireViewer(s);
      const query = (c.req.query("q") ?? "").slice(0, 200);
      const items = await searchDecisions(s.db, viewer.id, { query });
      return s.page(
        <>
          <BriefsNav current="decisions" />
          <PageHeader title="Decisions log">
            <a class="button" href="/briefs/decisions/new">
              Record a decision
            </a>
          </PageHeader>
          <search>
            <form method="get" action="/briefs/decisions" class="filter-row briefs-search">
              <label for="q" class="visually-hidden">
                Search decisions
              </label>
              <input id="q" name="q" type="search" value={query} placeholder="Search decisions" />
              <button type="submit" class="button-secondary">
                Search
              </button>
            </form>
          </search>
          {items.length ? (
            <ul class="plain-list briefs-list">
              {items.map((d) => (
                <DecisionRow d={d} />
              ))}
            </ul>
          ) : (
            <EmptyState title={query ? "No decision matches your search." : "No decisions recorded yet."}>
              <p>Decided briefs and hiring decisions appear here; record other decisions with the form.</p>
            </EmptyState>
          )}
        </>,
        { title: "Decisions log" },
      );
    },
    { keepRendered: true },
  );

  r.get("/decisions/new", "member", (_c, s) =>
    newDecisionPage(
      s,
      { decidedBy: requireViewer(s).name, decidedOn: localDate(s.clock.now(), requireViewer(s).timeZone) },
      {},
    ),
  );

  r.post("/decisions", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const form = await readForm(c, decisionForm);
    if (!form.ok) return newDecisionPage(s, formValues(form.values), form.errors);
    const entry = await recordManualDecision(s.db, form.data, viewer.id, s.clock.now());
    s.flash("success", "Decision recorded.");
    return s.redirect(`/briefs/decisions/${entry.id}`);
  });

  r.get("/decisions/:id{[0-9a-f-]+}", "member", async (c, s) => {
    const d = await visibleDecision(s, c.req.param("id"));
    return s.page(
      <>
        <BriefsNav current="decisions" />
        <PageHeader title={d.title}>
          <span class="badge">{kindLabels[d.kind]}</span>
        </PageHeader>
        <dl class="briefs-facts">
          <dt>Decided by</dt>
          <dd>{d.decidedBy}</dd>
          <dt>When</dt>
          <dd>
            <time datetime={d.decidedOn}>{formatDate(d.decidedOn)}</time>
          </dd>
          <dt>Permalink</dt>
          <dd>
            <a href={`/briefs/decisions/${d.id}`}>{`${s.baseUrl}/briefs/decisions/${d.id}`}</a>
          </dd>
        </dl>
        <section class="card" aria-labelledby="why">
          <h2 id="why">Why</h2>
          {renderMarkdown(d.rationale)}
          <Links links={d.links} />
        </section>
      </>,
      { title: d.title },
    );
  });
}
