import { describe, expect, it } from "vitest";
import { clientAddress } from "./sign-in-limits";

describe("clientAddress", () => {
  it("is the last x-forwarded-for entry: the one the nearest proxy appended", () => {
    expect(clientAddress({ "x-forwarded-for": "6.6.6.6, 203.0.113.4" })).toBe("203.0.113.4");
    expect(clientAddress(new Headers({ "x-forwarded-for": "198.51.100.2" }))).toBe("198.51.100.2");
    expect(clientAddress({ "x-forwarded-for": ["1.1.1.1", "2.2.2.2"] })).toBe("2.2.2.2");
  });

  it("falls back to x-real-ip, then to 'unknown'; an absurd header is cut", () => {
    expect(clientAddress({ "x-real-ip": " 192.0.2.9 " })).toBe("192.0.2.9");
    expect(clientAddress({ "x-forwarded-for": " , " })).toBe("unknown");
    expect(clientAddress(undefined)).toBe("unknown");
    expect(clientAddress({ "x-forwarded-for": "a".repeat(10_000) })).toHaveLength(100);
  });
});
