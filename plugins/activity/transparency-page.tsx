import { formatInstant, PageHeader, type RequestServices } from "../../server/plugin-api.ts";
import { currentPolicy, policyHistory, policyLabels } from "./policy.ts";
import { privacyTerms } from "./team-figures.ts";

type S = RequestServices<Record<string, unknown>>;

export async function transparencyPage(s: S): Promise<Response> {
  const policy = await currentPolicy(s.db);
  const terms = privacyTerms(policy.minGroupSize);
  const history = await policyHistory(s.db);
  const tz = s.viewer?.timeZone ?? "UTC";
  return s.page(
    <>
      <PageHeader title="Activity: what is collected" />
      <div class="split activity-split">
        <section class="card" aria-labelledby="collected">
          <h2 id="collected">Collected</h2>
          <ul>
            <li>The name of the application in front (e.g. “Firefox”), and whether you were away from the keyboard.</li>
            <li>When, and for how long, in 15-minute totals per category. Raw events are deleted within 24 hours.</li>
            <li>Only from devices you registered yourself, and only while collection is not paused.</li>
          </ul>
          <h2 id="never">Never collected</h2>
          <ul>
            <li>Window titles, URLs, file names, document contents, keystrokes or screenshots.</li>
            <li>Anything at all while you have paused collection.</li>
          </ul>
        </section>
        <section class="card" aria-labelledby="who">
          <h2 id="who">Who sees what</h2>
          <ul>
            <li>
              <strong>You</strong> see your own hours and categories, can export them (JSON or CSV), pause collection
              and delete everything.
            </li>
            <li>
              <strong>Your team, your manager and admins</strong> see team totals only: for closed weeks, frozen when
              the week is released, with at least {policy.minGroupSize} people behind every figure (a time-zone slice
              also needs at least {policy.minGroupSize} people in the rest of the team), and with random noise
              (differential privacy: each week's release costs your data ρ = {terms.rhoPerRelease} in zCDP, about ε ={" "}
              {terms.epsilonPerRelease} at δ = {terms.delta}; at most ρ = {terms.rhoPerPersonWeek} a week across all
              your teams, after which your data is left out of further releases).
            </li>
            <li>
              <strong>Nobody</strong> — not managers, not admins — can open another person's activity, rank people or
              sort them by activity.
            </li>
            <li>Rollups are kept {policy.rollupRetentionDays} days, then deleted.</li>
          </ul>
        </section>
      </div>
      <section class="card" aria-labelledby="changes">
        <h2 id="changes">Changes to these rules</h2>
        {history.length ? (
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">Changes to the activity privacy rules, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Setting</th>
                  <th scope="col">From</th>
                  <th scope="col">To</th>
                  <th scope="col">Changed by</th>
                </tr>
              </thead>
              <tbody>
                {history.map((h) => (
                  <tr>
                    <td>{formatInstant(h.changedAt, tz)}</td>
                    <td>{policyLabels[h.field] ?? h.field}</td>
                    <td>{h.oldValue}</td>
                    <td>{h.newValue}</td>
                    <td>{h.changedBy}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p class="muted">The defaults have never been changed.</p>
        )}
      </section>
    </>,
    { title: "Activity transparency" },
  );
}
