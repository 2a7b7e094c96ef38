import { describe, expect, it } from "vitest";
import { escapeLikePattern } from "./text-search";

describe("escapeLikePattern", () => {
  it("escapes LIKE's wildcards and its escape character, and nothing else", () => {
    expect(escapeLikePattern("100%")).toBe("100\\%");
    expect(escapeLikePattern("a_b")).toBe("a\\_b");
    expect(escapeLikePattern("C:\\temp")).toBe("C:\\\\temp");
    expect(escapeLikePattern("Kestrel Insurance")).toBe("Kestrel Insurance");
  });
});
