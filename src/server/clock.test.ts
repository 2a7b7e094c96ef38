import { afterEach, describe, expect, it, vi } from "vitest";
import { appNowFromEnv } from "@/env";

describe("appNowFromEnv", () => {
  it("is null without APP_NOW (the real clock)", () => {
    expect(appNowFromEnv({})).toBeNull();
    expect(appNowFromEnv({ APP_NOW: " " })).toBeNull();
  });

  it("reads an ISO 8601 instant, with Z or an offset", () => {
    expect(appNowFromEnv({ APP_NOW: "2027-01-01T00:05:00Z" })?.at.toISOString()).toBe("2027-01-01T00:05:00.000Z");
    expect(appNowFromEnv({ APP_NOW: "2028-03-01T00:55:00+01:00" })?.at.toISOString()).toBe("2028-02-29T23:55:00.000Z");
  });

  it("refuses anything else, naming the variable", () => {
    for (const bad of ["tomorrow", "2027-01-01", "1767225900000", "2027-02-30T00:00:00Z"]) {
      expect(() => appNowFromEnv({ APP_NOW: bad })).toThrow(/APP_NOW: must be an ISO 8601 instant/);
    }
  });

  it("is refused by a production deployment on PostgreSQL, allowed on the embedded demo", () => {
    const pinned = { APP_NOW: "2027-01-01T00:05:00Z", NODE_ENV: "production" };
    expect(() => appNowFromEnv({ ...pinned, DATABASE_URL: "postgresql://db/meterline" })).toThrow(/unset it in production/);
    expect(appNowFromEnv(pinned)?.at.toISOString()).toBe("2027-01-01T00:05:00.000Z");
  });
});

describe("clockNow", () => {
  const saved = process.env.APP_NOW;
  afterEach(() => {
    if (saved === undefined) delete process.env.APP_NOW;
    else process.env.APP_NOW = saved;
    vi.resetModules();
  });

  it("pinned: starts at APP_NOW and moves at least one millisecond per reading, whatever the real date", async () => {
    process.env.APP_NOW = "2028-02-29T23:59:59.998Z";
    delete process.env.APP_NOW_SINCE;
    vi.resetModules();
    const { clockNow, isClockPinned } = await import("./clock");
    expect(isClockPinned()).toBe(true);
    const readings = [clockNow(), clockNow(), clockNow()].map((d) => d.getTime());
    expect(readings[0]).toBe(Date.parse("2028-02-29T23:59:59.998Z"));
    expect(readings[1]! - readings[0]!).toBeGreaterThanOrEqual(1);
    expect(readings[2]! - readings[1]!).toBeGreaterThanOrEqual(1);
    // A thousand times slower than real time: a few readings stay within the pinned second's neighbourhood.
    expect(readings[2]! - readings[0]!).toBeLessThan(100);
  });

  it("pinned with APP_NOW_SINCE: processes of one run share a timeline that runs at 1/1000 of real time", async () => {
    process.env.APP_NOW = "2027-01-01T00:05:00.000Z";
    process.env.APP_NOW_SINCE = String(Date.now() - 3_600_000);
    vi.resetModules();
    const { clockNow } = await import("./clock");
    // An hour after the pin was set: 3.6 s later on the pinned clock.
    expect(clockNow().getTime() - Date.parse("2027-01-01T00:05:00.000Z")).toBeGreaterThanOrEqual(3_600);
    expect(clockNow().getTime() - Date.parse("2027-01-01T00:05:00.000Z")).toBeLessThan(3_700);
    delete process.env.APP_NOW_SINCE;
  });

  it("unpinned: the real clock", async () => {
    delete process.env.APP_NOW;
    vi.resetModules();
    const { clockNow, isClockPinned } = await import("./clock");
    expect(isClockPinned()).toBe(false);
    const before = Date.now();
    const read = clockNow().getTime();
    expect(read).toBeGreaterThanOrEqual(before);
    expect(read).toBeLessThanOrEqual(Date.now());
  });
});
