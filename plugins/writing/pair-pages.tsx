import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import {
  ActionButton,
  EmptyState,
  type FieldErrors,
  FormErrors,
  HttpError,
  PageHeader,
  type PluginRoutes,
  people,
  readForm,
  requireViewer,
  type SafeHtml,
  Select,
} from "../../server/plugin-api.ts";
import { mondayOf } from "./overlap.ts";
import {
  canSeePair,
  decidePair,
  findPair,
  optedIn,
  optInsOf,
  type PairView,
  proposePair,
  saveOptIns,
  visiblePairs,
} from "./pairs.ts";
import { managesAnyOf } from "./people-access.ts";
import { isQuarter, nextQuarter } from "./quarter.ts";
import { base, currentQuarter, idParam, type S } from "./request.ts";
import type { WritingSettings } from "./settings.ts";

// `form` marks a real submission of the opt-in form: unticked boxes send nothing, so without it a
// garbled body would read as "opt out of both".
const optInForm = z.object({
  form: z.literal("opt-ins", "Send the opt-in form."),
  wantsFeedback: z.literal("on").optional(),
  offersReviews: z.literal("on").optional(),
});

const proposeForm = z.object({
  quarter: z.string().refine(isQuarter, "Choose a quarter like 2026-Q2."),
  writerId: z.uuid("Choose a writer."),
  partnerId: z.uuid("Choose a partner."),
});

function PairList(props: { pairs: PairView[]; viewerId: string }): SafeHtml {
  if (!props.pairs.length)
    return (
      <EmptyState title="No writing pairs this quarter.">
        <p>Opt in above, then propose a pair or ask your manager to.</p>
      </EmptyState>
    );
  return (
    <ul class="plain-list writing-pairs">
      {props.pairs.map((p) => {
        const mySide = p.writerId === props.viewerId ? "writer" : p.partnerId === props.viewerId ? "partner" : null;
        const waitingOnMe =
          p.status === "proposed" &&
          ((mySide === "writer" && !p.writerAccepted) || (mySide === "partner" && !p.partnerAccepted));
        return (
          <li>
            <strong>{p.writerName}</strong> writes, <strong>{p.partnerName}</strong> reviews{" "}
            <span class="badge">{p.status}</span>{" "}
            <span class="muted small">
              {p.overlapHours} h/week working-hours overlap
              {p.overlapHours < 5 ? " (little overlap: review in writing, asynchronously)" : ""}
            </span>
            {waitingOnMe ? (
              <span class="row">
                <ActionButton action={`${base}/pairs/${p.id}/accept`} label="Accept" />
                <ActionButton action={`${base}/pairs/${p.id}/decline`} label="Decline" danger />
              </span>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

async function pairsPage(s: S, errors: FieldErrors = {}, values: Record<string, string> = {}): Promise<Response> {
  const viewer = requireViewer(s);
  const quarter = currentQuarter(s);
  const [mine, list, writersList, partnersList] = await Promise.all([
    optInsOf(s.db, viewer.id),
    visiblePairs(s.db, viewer.id, quarter, mondayOf(s.clock.now(), viewer.timeZone)),
    optedIn(s.db, "wantsFeedback"),
    optedIn(s.db, "offersReviews"),
  ]);
  const canProposeOthers = viewer.role !== "member";
  const writerOptions = canProposeOthers ? writersList : writersList.filter((w) => w.id === viewer.id);
  return s.page(
    <>
      <PageHeader title="Writing pairs" />
      <div class="split">
        <section class="card stack" aria-labelledby="opt-in">
          <h2 id="opt-in">Your opt-ins</h2>
          <p class="muted small">Pairs form only between people who opted in, and both must accept.</p>
          <form method="post" action={`${base}/opt-ins`} class="stack">
            <input type="hidden" name="form" value="opt-ins" />
            <label>
              <input type="checkbox" name="wantsFeedback" checked={mine.wantsFeedback} /> I want feedback on my writing
            </label>
            <label>
              <input type="checkbox" name="offersReviews" checked={mine.offersReviews} /> I offer to review a
              colleague's drafts
            </label>
            <button type="submit" class="button button-small">
              Save
            </button>
          </form>
        </section>
        <section class="card stack" aria-labelledby="propose">
          <h2 id="propose">Propose a pair</h2>
          <form method="post" action={`${base}/pairs`} class="stack" novalidate>
            <FormErrors errors={errors} />
            <Select
              label="Quarter"
              name="quarter"
              value={values.quarter ?? quarter}
              options={[quarter, nextQuarter(quarter)]}
              error={errors.quarter}
            />
            <Select
              label="Writer (wants feedback)"
              name="writerId"
              value={values.writerId ?? ""}
              options={[{ value: "", label: "Choose…" }, ...writerOptions.map((w) => ({ value: w.id, label: w.name }))]}
              error={errors.writerId}
            />
            <Select
              label="Partner (reviews)"
              name="partnerId"
              value={values.partnerId ?? ""}
              options={[{ value: "", label: "Choose…" }, ...partnersList.map((p) => ({ value: p.id, label: p.name }))]}
              error={errors.partnerId}
            />
            <button type="submit" class="button">
              Propose
            </button>
          </form>
        </section>
      </div>
      <section class="card" aria-labelledby="pairs">
        <h2 id="pairs">Pairs in {quarter}</h2>
        <p class="muted small">Only the two people and their managers see a pair.</p>
        <PairList pairs={list} viewerId={viewer.id} />
      </section>
    </>,
    { title: "Writing pairs", status: Object.keys(errors).length ? 422 : 200 },
  );
}

export function pairPages(r: PluginRoutes<WritingSettings>): void {
  r.get("/pairs", "member", (_c, s) => pairsPage(s));

  r.post("/opt-ins", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const form = await readForm(c, optInForm);
    if (!form.ok) throw new HttpError(422, "Opt-ins are checkboxes: wantsFeedback and offersReviews.");
    await saveOptIns(
      s.db,
      viewer.id,
      { wantsFeedback: form.data.wantsFeedback === "on", offersReviews: form.data.offersReviews === "on" },
      s.clock.now(),
    );
    s.flash("success", "Opt-ins saved.");
    return s.redirect(`${base}/pairs`);
  });

  r.post("/pairs", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const form = await readForm(c, proposeForm);
    const values = Object.fromEntries(Object.entries(form.values).map(([k, v]) => [k, String(v)]));
    if (!form.ok) return pairsPage(s, form.errors, values);
    const { writerId, partnerId } = form.data;
    const involved = writerId === viewer.id || partnerId === viewer.id;
    // Members pair themselves; managers pair people on their teams; admins anyone.
    const mayPropose =
      involved ||
      viewer.role === "admin" ||
      viewer.role === "owner" ||
      (viewer.role === "manager" && (await managesAnyOf(s.db, viewer.id, [writerId, partnerId])));
    if (!mayPropose) throw new HttpError(403, "You can propose pairs for yourself or for people on teams you manage.");
    const active = await s.db
      .select({ id: people.id })
      .from(people)
      .where(and(eq(people.status, "active"), inArray(people.id, [writerId, partnerId])));
    const activeIds = new Set(active.map((p) => p.id));
    if (!activeIds.has(writerId)) return pairsPage(s, { writerId: "Choose a writer from the list." }, values);
    if (!activeIds.has(partnerId)) return pairsPage(s, { partnerId: "Choose a partner from the list." }, values);
    const result = await s.transaction((tx) =>
      proposePair(tx, { quarter: form.data.quarter, writerId, partnerId, proposedBy: viewer.id, at: s.clock.now() }),
    );
    if (!result.ok) return pairsPage(s, { [result.field]: result.message }, values);
    await s.transaction(async (tx) => {
      for (const personId of [writerId, partnerId].filter((id) => id !== viewer.id)) {
        await s.notify(tx, {
          personId,
          title: `${viewer.name} proposed a writing pair for ${form.data.quarter}`,
          body: "Accept or decline on the writing pairs page.",
          link: `${base}/pairs`,
          dedupeKey: `writing:pair-proposed:${result.pair.id}:${personId}`,
          kind: "invitation",
        });
      }
    });
    s.flash("success", "Pair proposed. It starts once both people accept.");
    return s.redirect(`${base}/pairs`);
  });

  for (const decision of ["accept", "decline"] as const) {
    r.post(`/pairs/:id/${decision}`, "member", async (c, s) => {
      const viewer = requireViewer(s);
      const pair = await findPair(s.db, idParam(c.req.param("id"), "Pair"));
      if (!pair || !(await canSeePair(s.db, viewer.id, pair))) throw new HttpError(404, "Pair not found.");
      if (pair.writerId !== viewer.id && pair.partnerId !== viewer.id)
        throw new HttpError(403, "Only the two people in a pair accept or decline it.");
      if (pair.status !== "proposed") throw new HttpError(409, `This pair is already ${pair.status}.`);
      const decided = await s.transaction((tx) =>
        decidePair(tx, pair, viewer.id, decision === "accept", s.clock.now()),
      );
      s.flash(
        "success",
        decided.status === "active"
          ? "You are paired for the quarter."
          : decision === "accept"
            ? "Accepted; waiting for the other person."
            : "Declined.",
      );
      return s.redirect(`${base}/pairs`);
    });
  }
}
