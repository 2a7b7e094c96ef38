import { describe, expect, it } from "vitest";
import { AppError } from "@/server/errors/app-error";
import {
  allClientsUsageExportFilename,
  clientUsageExportFilename,
  monthsInRange,
  parseAllClientsUsageExportParams,
  parseClientUsageExportParams,
} from "./usage-export-params";

const NOW = new Date("2026-11-25T07:00:00Z");
const ID = "6f1c2a4e-8a3b-4c1d-9e2f-0a1b2c3d4e5f";
const q = (query: string) => new URLSearchParams(query);

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("usage export parameters", () => {
  it("a range counts both of its months, across years", () => {
    expect(monthsInRange("2026-11", "2026-11")).toBe(1);
    expect(monthsInRange("2025-12", "2026-01")).toBe(2);
    expect(monthsInRange("2024-01", "2026-12")).toBe(36);
    expect(monthsInRange("2026-02", "2026-01")).toBe(0);
  });

  it("without from/to a client export covers the 12 months ending with the month of now, by month", () => {
    expect(parseClientUsageExportParams(ID, q(""), NOW)).toEqual({ clientId: ID, from: "2025-12", to: "2026-11", granularity: "month" });
    expect(parseClientUsageExportParams(ID, q("to=2026-02&granularity=event"), NOW)).toEqual({
      clientId: ID,
      from: "2025-03",
      to: "2026-02",
      granularity: "event",
    });
  });

  it("accepts exactly 36 months and refuses 37", () => {
    expect(parseClientUsageExportParams(ID, q("from=2024-01&to=2026-12&granularity=day"), NOW).from).toBe("2024-01");
    expect(refusal(() => parseClientUsageExportParams(ID, q("from=2023-12&to=2026-12"), NOW))).toEqual({
      code: "BAD_REQUEST",
      message: "An export covers at most 36 months; 2023-12 to 2026-12 is 37.",
    });
  });

  it.each([
    ["from=2026-05&to=2026-03", "`from` (2026-05) is after `to` (2026-03)."],
    ["granularity=week", "`granularity` must be one of month, day, event."],
    ["from=2026-13", "`from` must be a month written YYYY-MM."],
    ["to=2026-1", "`to` must be a month written YYYY-MM."],
    ["from=2026-01%00", "`from` must not contain a NUL character."],
    ["granularity=month&granularity=day", "Give `granularity` once."],
  ])("refuses %s with a message naming the parameter", (query, message) => {
    expect(refusal(() => parseClientUsageExportParams(ID, q(query), NOW))).toEqual({ code: "BAD_REQUEST", message });
  });

  it("refuses a client id that is not a UUID, or carries a NUL", () => {
    for (const id of ["not-a-uuid", `${ID}\0`, ""]) {
      expect(refusal(() => parseClientUsageExportParams(id, q(""), NOW))).toEqual({ code: "BAD_REQUEST", message: "The client id must be a UUID." });
    }
  });

  it("the all-clients export defaults to the month of now", () => {
    expect(parseAllClientsUsageExportParams(q(""), NOW)).toEqual({ period: "2026-11" });
    expect(parseAllClientsUsageExportParams(q("period=2025-02"), NOW)).toEqual({ period: "2025-02" });
    expect(refusal(() => parseAllClientsUsageExportParams(q("period=2025-02-01"), NOW)).message).toBe("`period` must be a month written YYYY-MM.");
  });

  it("file names carry the slug (reduced to safe characters), the months and the granularity", () => {
    expect(clientUsageExportFilename("acme-gmbh", { from: "2026-01", to: "2026-11", granularity: "day" })).toBe("usage-acme-gmbh-2026-01-2026-11-day.csv");
    expect(clientUsageExportFilename('a"b c', { from: "2026-01", to: "2026-01", granularity: "event" })).toBe("usage-a_b_c-2026-01-2026-01-event.csv");
    expect(allClientsUsageExportFilename("2026-10")).toBe("usage-all-clients-2026-10.csv");
  });
});
