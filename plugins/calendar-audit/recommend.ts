import type { Category } from "./schema.ts";

export interface Recommendation {
  action: "keep" | "convert" | "kill";
  /** The async practice that replaces the meeting, for "convert". */
  practice: string | null;
  /** The portal page that runs that practice. */
  link: string | null;
  reason: string;
}

export interface PollTally {
  yes: number;
  no: number;
  unsure: number;
}

const conversions: Partial<Record<Category, { practice: string; link: string | null }>> = {
  status: { practice: "a weekly written update (BLUF)", link: "/status-updates" },
  kickoff: { practice: "a one-page kickoff brief, circulated for comments", link: "/briefs" },
  "hiring-debrief": { practice: "written interviewer notes within 4 hours, then a synthesis", link: "/briefs" },
  review: { practice: "written review comments on the document or change", link: "/briefs" },
  broadcast: { practice: "a written announcement (or a recording) with questions in the portal", link: null },
};

/**
 * Keep, convert or kill. Attendees' answers come first: when most of at least three people
 * would not miss it, kill it. Then the playbook: async candidates convert, synchronous
 * work stays, a retro keeps its discussion but collects input in writing first.
 */
export function recommend(category: Category, poll: PollTally, declinedShare: number): Recommendation {
  const answered = poll.yes + poll.no + poll.unsure;
  if (answered >= 3 && poll.no / answered > 0.5) {
    return {
      action: "kill",
      practice: null,
      link: null,
      reason: `${poll.no} of ${answered} attendees would not miss it`,
    };
  }
  if (category !== "not-a-meeting" && declinedShare >= 0.5) {
    return {
      action: "kill",
      practice: null,
      link: null,
      reason: `${Math.round(declinedShare * 100)} % of invitees decline it`,
    };
  }
  const conversion = conversions[category];
  if (conversion) {
    return { action: "convert", ...conversion, reason: "the playbook runs this kind of meeting in writing" };
  }
  if (category === "retro") {
    return {
      action: "keep",
      practice: "collect what went well and badly in writing first; meet only to decide",
      link: null,
      reason: "a retro needs discussion, but its input can be written",
    };
  }
  if (category === "not-a-meeting") {
    return { action: "keep", practice: null, link: null, reason: "not a meeting: left alone" };
  }
  return { action: "keep", practice: null, link: null, reason: "this kind of meeting belongs synchronous" };
}
