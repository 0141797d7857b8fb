import { EmptyState, PageHeader, type RequestServices, requireViewer } from "../../server/plugin-api.ts";
import { StateBadge } from "./brief-views.tsx";
import { awaitingReviewBy, listBriefs } from "./briefs.ts";
import { owedNotes } from "./interviews.ts";
import type { BriefsSettings } from "./settings.ts";
import { BriefsNav, Card, When } from "./views.tsx";

type S = RequestServices<BriefsSettings>;

export async function overview(s: S): Promise<Response> {
  const viewer = requireViewer(s);
  const now = s.clock.now();
  const [awaiting, owed, items] = await Promise.all([
    awaitingReviewBy(s.db, viewer.id),
    owedNotes(s.db, { personId: viewer.id, since: new Date(now.getTime() - 14 * 86_400_000), until: now }),
    listBriefs(s.db, viewer.id),
  ]);
  return s.page(
    <>
      <BriefsNav current="briefs" />
      <PageHeader title="Kickoff briefs">
        <a class="button" href="/briefs/new">
          New brief
        </a>
      </PageHeader>
      {awaiting.length || owed.length ? (
        <div class="split">
          {awaiting.length ? (
            <Card title="Awaiting your review" id="awaiting">
              <ul class="plain-list">
                {awaiting.map((b) => (
                  <li>
                    <a href={`/briefs/${b.id}`}>{b.title}</a> <span class="muted small">by {b.authorName}</span>
                    {b.commentDeadline ? (
                      <span class="small">
                        {" "}
                        · due <When at={b.commentDeadline} timeZone={viewer.timeZone} />
                      </span>
                    ) : null}
                  </li>
                ))}
              </ul>
            </Card>
          ) : null}
          {owed.length ? (
            <Card title="Debrief notes you owe" id="owed">
              <ul class="plain-list">
                {owed.map((n) => (
                  <li>
                    <a href={`/briefs/interviews/${n.interviewId}`}>
                      {n.role}: {n.candidateName}
                    </a>
                  </li>
                ))}
              </ul>
            </Card>
          ) : null}
        </div>
      ) : null}
      <Card title="Briefs" id="all">
        {items.length ? (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">Brief</th>
                  <th scope="col">Author</th>
                  <th scope="col">State</th>
                  <th scope="col">Comments</th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {items.map((b) => (
                  <tr>
                    <td>
                      <a href={`/briefs/${b.id}`}>{b.title}</a>
                    </td>
                    <td>{b.authorName}</td>
                    <td>
                      <StateBadge state={b.state} />
                    </td>
                    <td>{b.comments}</td>
                    <td>
                      <When at={b.updatedAt} timeZone={viewer.timeZone} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <EmptyState title="No briefs yet.">
            <p>Replace the next kickoff meeting with a one-page brief that people comment on in their own time.</p>
          </EmptyState>
        )}
      </Card>
    </>,
    { title: "Kickoff briefs" },
  );
}
