import { describe, expect, it } from "vitest";
import { isTransientDatabaseError, retryTransient } from "./retry-transient";

describe("transient database errors", () => {
  it("recognises a deadlock or serialization failure however deeply the driver error is wrapped", () => {
    expect(isTransientDatabaseError({ code: "40P01" })).toBe(true);
    expect(isTransientDatabaseError(new Error("deadlock detected"))).toBe(true);
    const wrapped = Object.assign(new Error("Raw query failed"), {
      code: "P2010",
      meta: { driverAdapterError: { cause: { originalCode: "40001", code: "40001" } } },
    });
    expect(isTransientDatabaseError(wrapped)).toBe(true);
  });

  it("anything else is not retried", async () => {
    expect(isTransientDatabaseError(new Error("duplicate key value violates unique constraint"))).toBe(false);
    let calls = 0;
    await expect(
      retryTransient(async () => {
        calls++;
        throw Object.assign(new Error("boom"), { code: "23505" });
      }),
    ).rejects.toThrow("boom");
    expect(calls).toBe(1);
  });

  it("retries a deadlock until it succeeds", async () => {
    let calls = 0;
    const result = await retryTransient(async () => {
      calls++;
      if (calls < 3) throw Object.assign(new Error("deadlock detected"), { code: "40P01" });
      return "ok";
    });
    expect(result).toBe("ok");
    expect(calls).toBe(3);
  });
});
