import { describe, expect, test } from "bun:test";
import { pacer, yieldToRequests } from "./pace.ts";

/** Runs `work` while a request is pending; true when the request was answered before it ended. */
async function answeredDuring(work: (answered: () => boolean) => Promise<void>): Promise<boolean> {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("ok") });
  try {
    let answered = false;
    const request = fetch(`http://127.0.0.1:${server.port}/`).then(async (r) => {
      answered = (await r.text()) === "ok";
    });
    await work(() => answered);
    const before = answered;
    await request;
    return before;
  } finally {
    server.stop(true);
  }
}

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {}
}

describe("pacing long work", () => {
  test("yieldToRequests lets a waiting request in between two pieces of work", async () => {
    const answered = await answeredDuring(async (done) => {
      for (let piece = 0; piece < 400 && !done(); piece++) {
        busy(5);
        await yieldToRequests();
      }
    });
    expect(answered).toBe(true);
  });

  test("a pacer yields once its slice has passed, and not again before the next one has", async () => {
    const pause = pacer(200);
    expect(pause()).toBeUndefined();
    busy(210);
    const yielded = pause();
    expect(yielded).toBeInstanceOf(Promise);
    await yielded;
    expect(pause()).toBeUndefined();
  });

  test("a loop of tiny steps with a pacer lets a waiting request in", async () => {
    const answered = await answeredDuring(async (done) => {
      const pause = pacer(2);
      for (let step = 0; step < 2_000_000 && !done(); step++) {
        await pause();
        busy(0.01);
      }
    });
    expect(answered).toBe(true);
  });
});
