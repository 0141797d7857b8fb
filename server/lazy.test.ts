import { describe, expect, test } from "bun:test";
import { onFirstUse, warmUp, yieldToRequests } from "./lazy.ts";

describe("onFirstUse", () => {
  test("loads once, on the first call", () => {
    let loads = 0;
    const get = onFirstUse(() => ++loads);
    expect(loads).toBe(0);
    expect(get()).toBe(1);
    expect(get()).toBe(1);
    expect(loads).toBe(1);
  });

  test("warmUp loads the libraries marked warm, not the others, and survives a failing one", async () => {
    let warm = 0;
    let cold = 0;
    const failing = onFirstUse(
      () => {
        throw new Error("missing");
      },
      { warm: true },
    );
    const getWarm = onFirstUse(() => ++warm, { warm: true });
    onFirstUse(() => ++cold);
    await warmUp();
    expect(warm).toBe(1);
    expect(cold).toBe(0);
    expect(getWarm()).toBe(1);
    // The failure is reported to whoever needs the library.
    expect(failing).toThrow("missing");
  });
});

describe("yieldToRequests", () => {
  test("lets a waiting request in before the work goes on", async () => {
    const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("ok") });
    try {
      let answered = false;
      const request = fetch(`http://127.0.0.1:${server.port}/`).then(async (r) => {
        answered = (await r.text()) === "ok";
      });
      // Busy work in pieces of 5 ms; the request is answered between two of them.
      for (let piece = 0; piece < 400 && !answered; piece++) {
        const until = performance.now() + 5;
        while (performance.now() < until) {}
        await yieldToRequests();
      }
      expect(answered).toBe(true);
      await request;
    } finally {
      server.stop(true);
    }
  });
});
