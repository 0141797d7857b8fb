import { EmptyState, formatInstant, type SafeHtml } from "../../server/plugin-api.ts";
import { formatDuration, type WaitingAsk } from "./clocks.ts";

function statusClass(status: string): string {
  return `sla-status sla-status-${status.replace(/\s+/g, "-")}`;
}

/** Open asks with time left in business hours, soonest due first. */
export function WaitingList(props: {
  items: WaitingAsk[];
  timeZone: string;
  showEmpty?: boolean;
  /** What an empty list says; the default speaks to the person the asks wait on. */
  empty?: string;
}): SafeHtml {
  if (!props.items.length)
    return props.empty ? (
      <p class="muted">{props.empty}</p>
    ) : (
      <EmptyState title="Nothing is waiting on you.">
        <p>Asks addressed to you appear here with the time left to answer.</p>
      </EmptyState>
    );
  return (
    <div class="table-wrap">
      <table class="table-cards">
        <thead>
          <tr>
            <th scope="col">Ask</th>
            <th scope="col">Type</th>
            <th scope="col">Status</th>
            <th scope="col">Time left (business)</th>
            <th scope="col">Due</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((a) => (
            <tr>
              <td>
                <a href={a.link}>{a.title}</a>
              </td>
              <td data-label="Type">
                {a.workType} · {a.medium}
              </td>
              <td data-label="Status" class={statusClass(a.status.status)}>
                {a.status.status}
              </td>
              <td data-label="Time left">{formatDuration(a.status.remainingSeconds)}</td>
              <td data-label="Due">
                {a.dueAt ? (
                  <time datetime={a.dueAt.toISOString()}>{formatInstant(a.dueAt, props.timeZone)}</time>
                ) : (
                  <span class="muted">paused</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The tabs of a team's SLA pages; the settings tab only for those who manage the team. */
export function TeamNav(props: {
  teamId: string;
  canManage: boolean;
  current?: "charter" | "board" | "settings";
}): SafeHtml {
  const base = `/sla/teams/${props.teamId}`;
  const links: [string, string, string][] = [
    ["charter", base, "Charter"],
    ["board", `${base}/board`, "Board"],
    ...(props.canManage ? [["settings", `${base}/settings`, "Calendar and webhooks"] as [string, string, string]] : []),
  ];
  return (
    <nav aria-label="Team SLA">
      <ul class="tabs">
        {links.map(([key, href, label]) => (
          <li>
            <a href={href} aria-current={props.current === key ? "page" : undefined}>
              {label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
