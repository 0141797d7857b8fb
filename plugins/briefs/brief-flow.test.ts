import { describe, expect, it } from "bun:test";
import { askIdFor, canMove, paragraphsOf } from "./brief-flow.ts";
import { briefStates } from "./schema.ts";

describe("brief states", () => {
  it("allows only draft → review → synthesis → decided, and abandoning an open brief", () => {
    const allowed = briefStates.flatMap((from) =>
      briefStates.filter((to) => canMove(from, to)).map((to) => `${from}→${to}`),
    );
    expect(allowed.sort()).toEqual(
      [
        "draft→review",
        "draft→abandoned",
        "review→synthesis",
        "review→abandoned",
        "synthesis→decided",
        "synthesis→abandoned",
      ].sort(),
    );
  });
});

describe("paragraph anchors", () => {
  it("splits on blank lines and gives each block a hash of its text", () => {
    const ps = paragraphsOf("One line.\r\n\r\n## Two\n\n   \n- three\n- four\n");
    expect(ps.map((p) => p.text)).toEqual(["One line.", "## Two", "- three\n- four"]);
    expect(ps[0]?.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(paragraphsOf("One line.")[0]?.hash).toBe(ps[0]?.hash as string);
  });
});

describe("ask ids", () => {
  it("are stable UUIDs per subject and person", () => {
    const id = askIdFor("brief-review", "b", "p");
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(askIdFor("brief-review", "b", "p")).toBe(id);
    expect(askIdFor("debrief-note", "b", "p")).not.toBe(id);
  });
});
