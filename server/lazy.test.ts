import { describe, expect, test } from "bun:test";
import { onFirstUse, warmUp } from "./lazy.ts";

describe("onFirstUse", () => {
  test("loads once, on the first call", () => {
    let loads = 0;
    const get = onFirstUse(() => ++loads);
    expect(loads).toBe(0);
    expect(get()).toBe(1);
    expect(get()).toBe(1);
    expect(loads).toBe(1);
  });

  test("warmUp loads what is marked warm, its pieces first, not the rest, and survives a failure", async () => {
    const order: string[] = [];
    const failing = onFirstUse(
      () => {
        throw new Error("missing");
      },
      { warm: true },
    );
    const getWarm = onFirstUse(() => order.push("library"), {
      warm: true,
      dependenciesFirst: [() => order.push("dependency a"), () => order.push("dependency b")],
    });
    onFirstUse(() => order.push("cold"));
    await warmUp();
    expect(order).toEqual(["dependency a", "dependency b", "library"]);
    expect(getWarm()).toBe(3);
    // The failure is reported to whoever needs the library.
    expect(failing).toThrow("missing");
  });
});
