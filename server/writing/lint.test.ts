import { describe, expect, it } from "bun:test";
import { handleOf, lintWriting, mentionedHandles } from "./lint.ts";

interface Example {
  name: string;
  text: string;
  kind?: string;
  /** Rules that must be reported. */
  flags: string[];
  /** Rules that must not be reported. */
  clean: string[];
}

const longSentence =
  "We spent most of the week chasing the flaky payment tests across three services because the staging database kept timing out whenever the nightly batch job and the load tests ran at the same time.";

const examples: Example[] = [
  {
    name: "a crisp BLUF update",
    kind: "status",
    text: "Checkout v2 is on track for Friday. Ask: @maria.lopez please approve the rollout plan by Wednesday.\n\nProgress: payments are migrated.",
    flags: [],
    clean: ["bluf", "ask-addressee", "ask-deadline", "long-sentence", "passive", "bluf-length"],
  },
  {
    name: "an update that opens with background",
    kind: "status",
    text: "Hi all, as you know we have been looking at the billing service for a while.\n\nIt is now done.",
    flags: ["bluf"],
    clean: ["ask-addressee"],
  },
  {
    name: "a first paragraph with no conclusion in it",
    kind: "status",
    text: "The team looked at the billing service and the invoices and the customer records.\n\nWe shipped it.",
    flags: ["bluf"],
    clean: [],
  },
  {
    name: "a bottom line buried after 60 words",
    kind: "bottom-line",
    text: `${"The migration involved many services and owners and a long list of dependencies across the platform. ".repeat(5)}It is blocked.`,
    flags: ["bluf", "bluf-length"],
    clean: [],
  },
  {
    name: "a short, clear bottom line",
    kind: "bottom-line",
    text: "The mobile release slipped a week; new date is 14 March.",
    flags: [],
    clean: ["bluf", "bluf-length"],
  },
  {
    name: "an ask that names nobody and no date",
    kind: "ask",
    text: "Could someone review the API change?",
    flags: ["ask-addressee", "ask-deadline"],
    clean: [],
  },
  {
    name: "an ask with a name but no date",
    kind: "ask",
    text: "@sam please review the API change.",
    flags: ["ask-deadline"],
    clean: ["ask-addressee"],
  },
  {
    name: "an ask with a date but no name",
    kind: "ask",
    text: "Please review the API change by Thursday.",
    flags: ["ask-addressee"],
    clean: ["ask-deadline"],
  },
  {
    name: "an unaddressed ask inside an update",
    kind: "status",
    text: "The launch is blocked on legal review.\n\nCan you look at the contract?",
    flags: ["ask-addressee", "ask-deadline"],
    clean: ["bluf"],
  },
  {
    name: "a sentence over 25 words",
    text: longSentence,
    flags: ["long-sentence"],
    clean: [],
  },
  {
    name: "heavy passive voice",
    text: "The bug was found. The fix was deployed. The customers were informed.",
    flags: ["passive"],
    clean: [],
  },
  {
    name: "one passive verb among active sentences",
    text: "We shipped the beta. Customers liked it. The fix was deployed. We start the next phase on Monday. Sales is ready.",
    flags: [],
    clean: ["passive"],
  },
  {
    name: "a sentence above grade 10",
    text: "Notwithstanding considerable organizational complexities, multinational collaborative infrastructure initiatives necessitate comprehensive institutional coordination.",
    flags: ["readability"],
    clean: [],
  },
  {
    name: "plain short sentences",
    text: "We fixed the login bug. It took two days. Next we test the new form.",
    flags: [],
    clean: ["readability", "long-sentence", "passive"],
  },
];

describe("lintWriting", () => {
  for (const example of examples) {
    it(`${example.flags.length ? "flags" : "passes"} ${example.name}`, () => {
      const rules = lintWriting(example.text, example.kind ? { kind: example.kind } : {}).map((h) => h.rule);
      for (const rule of example.flags) expect(rules).toContain(rule);
      for (const rule of example.clean) expect(rules).not.toContain(rule);
    });
  }

  it("says nothing about an empty text", () => {
    expect(lintWriting("   ", { kind: "status" })).toEqual([]);
  });

  it("points each hint at a span inside the text", () => {
    const text = `Intro is fine and on track.\n\n${longSentence}`;
    const hint = lintWriting(text).find((h) => h.rule === "long-sentence");
    expect(text.slice(hint?.start, hint?.end)).toBe(longSentence);
  });

  it("only hints, with a severity of info or warning", () => {
    for (const example of examples) {
      for (const hint of lintWriting(example.text, { kind: example.kind ?? "prose" })) {
        expect(["info", "warning"]).toContain(hint.severity);
        expect(hint.message.length).toBeGreaterThan(10);
      }
    }
  });
});

describe("mentions", () => {
  it("finds @handles but not email addresses", () => {
    expect(mentionedHandles("@Ana.Lee and @sam, not bob@acme.example; @sam again.")).toEqual(["ana.lee", "sam"]);
  });

  it("derives a person's handle from their email", () => {
    expect(handleOf("Ana.Lee@Acme.example")).toBe("ana.lee");
  });
});
