import type { Category } from "./schema.ts";

/** What the classifier looks at: the title and description, and the shape of the series. */
export interface SeriesShape {
  summary: string;
  description: string;
  cadence: string;
  perWeek: number;
  durationMinutes: number;
  /** People attending (declined left out). */
  people: number;
  external: number;
  allDay: boolean;
  recurring: boolean;
}

export interface Classification {
  category: Category;
  confidence: number;
  reasons: string[];
}

/** The playbook taxonomy, grouped by what it means for the meeting. */
export type CategoryGroup = "keep sync" | "async candidate" | "mixed" | "not a meeting";

export const categoryGroups: Record<Category, CategoryGroup> = {
  "one-on-one": "keep sync",
  brainstorm: "keep sync",
  incident: "keep sync",
  onboarding: "keep sync",
  decision: "keep sync",
  external: "keep sync",
  status: "async candidate",
  kickoff: "async candidate",
  review: "async candidate",
  "hiring-debrief": "async candidate",
  broadcast: "async candidate",
  retro: "mixed",
  "not-a-meeting": "not a meeting",
};

export const categoryLabels: Record<Category, string> = {
  "one-on-one": "1:1 / trust",
  brainstorm: "Brainstorm",
  incident: "Incident",
  onboarding: "Onboarding",
  decision: "Decision",
  external: "External",
  status: "Status",
  kickoff: "Kickoff",
  review: "Review",
  "hiring-debrief": "Hiring debrief",
  broadcast: "Broadcast",
  retro: "Retro",
  "not-a-meeting": "Not a meeting",
};

/** Title keywords, most specific first: "incident review" is an incident, not a review. */
const titleRules: { category: Category; pattern: RegExp; word: string }[] = [
  {
    category: "not-a-meeting",
    pattern: /\b(focus|deep work|no meetings?|lunch|commute|gym|ooo|out of office|blocker? time|hold|busy|travel)\b/i,
    word: "a personal block",
  },
  {
    category: "incident",
    pattern: /\b(incident|outage|post-?mortem|war ?room|escalation|sev ?[0-4]|on-?call handover)\b/i,
    word: "incident",
  },
  { category: "hiring-debrief", pattern: /\b(debrief|hiring|candidate|interview loop)\b/i, word: "debrief" },
  { category: "retro", pattern: /\b(retro|retrospective)\b/i, word: "retro" },
  {
    category: "one-on-one",
    pattern: /(\b1\s?[:/-]\s?1\b|\b1on1\b|one[- ]on[- ]one|\bskip[- ]level\b|\bcoaching\b|\bmentoring\b)/i,
    word: "1:1",
  },
  { category: "onboarding", pattern: /\b(onboarding|orientation|welcome|new hire|buddy)\b/i, word: "onboarding" },
  {
    category: "brainstorm",
    pattern: /\b(brainstorm\w*|ideation|whiteboard|workshop|design sprint|jam)\b/i,
    word: "brainstorm",
  },
  { category: "kickoff", pattern: /\b(kick-?off|project launch|inception)\b/i, word: "kickoff" },
  {
    category: "broadcast",
    pattern: /\b(all[- ]hands|town ?hall|company update|announcements?|webinar|ama|demo day|quarterly update)\b/i,
    word: "a broadcast",
  },
  {
    category: "decision",
    pattern: /\b(decision|approval|go\/no-?go|steering|prioriti[sz]ation|planning|roadmap)\b/i,
    word: "decision or planning",
  },
  { category: "review", pattern: /\b(review|critique|code walkthrough|demo|design crit)\b/i, word: "review" },
  {
    category: "external",
    pattern: /\b(client|customer|vendor|partner|supplier|investor|sales call)\b/i,
    word: "an outside party",
  },
  {
    category: "status",
    pattern: /\b(stand-?up|daily|status|sync|scrum|huddle|check-?in|weekly|team meeting|update)\b/i,
    word: "standup or status",
  },
];

/**
 * Classifies a meeting from its title, then its shape: a title keyword decides the category,
 * the shape (cadence, size, who attends) raises or lowers the confidence, and with no keyword
 * the shape alone guesses with low confidence.
 */
export function classify(m: SeriesShape): Classification {
  const reasons: string[] = [];
  const text = `${m.summary}\n${m.description.slice(0, 300)}`;
  const titleRule = titleRules.find((r) => r.pattern.test(m.summary));
  const rule = titleRule ?? titleRules.find((r) => r.pattern.test(text));
  const size = m.people === 1 ? "1 attendee" : `${m.people} attendees`;
  const shape = [m.recurring ? m.cadence : "one-off", size];

  if (m.allDay || m.people <= 1) {
    if (!rule || rule.category === "not-a-meeting") {
      return {
        category: "not-a-meeting",
        confidence: 0.9,
        reasons: [m.allDay ? "all-day entry" : "nobody else invited", ...(rule ? [`title says ${rule.word}`] : [])],
      };
    }
  }
  if (m.people > 0 && m.external / m.people >= 0.5 && rule?.category !== "incident") {
    return {
      category: "external",
      confidence: rule?.category === "external" ? 0.9 : 0.75,
      reasons: [`${m.external} of ${m.people} attendees are from outside`, ...shape],
    };
  }
  if (rule) {
    reasons.push(`${titleRule ? "title" : "description"} says ${rule.word}`, ...shape);
    let confidence = titleRule ? 0.75 : 0.55;
    if (rule.category === "status" && m.perWeek >= 1 && m.people >= 4) confidence += 0.15;
    if (rule.category === "one-on-one" && m.people === 2) confidence += 0.15;
    if (rule.category === "one-on-one" && m.people > 3) {
      confidence -= 0.3;
      reasons.push("but more than two people");
    }
    if (rule.category === "broadcast" && m.people >= 15) confidence += 0.15;
    return { category: rule.category, confidence: round(confidence), reasons };
  }
  reasons.push("no telling words in the title", ...shape);
  if (m.people === 2) return { category: "one-on-one", confidence: 0.6, reasons };
  if (m.people >= 20) return { category: "broadcast", confidence: 0.5, reasons };
  if (m.recurring && m.perWeek >= 1) return { category: "status", confidence: 0.4, reasons };
  return { category: "decision", confidence: 0.3, reasons };
}

function round(x: number): number {
  return Math.round(Math.min(0.95, Math.max(0.1, x)) * 100) / 100;
}
