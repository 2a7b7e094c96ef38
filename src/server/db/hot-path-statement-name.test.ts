import { describe, expect, it } from "vitest";
import { hotPathStatementName } from "./client";

describe("hotPathStatementName", () => {
  it("names the chat hot path's marked statements, and only those", () => {
    expect(hotPathStatementName({ sql: "/* hot:chat_settle */ WITH event AS (SELECT 1)" })).toBe("meterline_chat_settle");
    expect(hotPathStatementName({ sql: 'SELECT "id" FROM "Client" WHERE "id" IN ($1,$2)' })).toBe("");
    expect(hotPathStatementName({ sql: " /* hot:chat_settle */ SELECT 1" })).toBe("");
  });
});
