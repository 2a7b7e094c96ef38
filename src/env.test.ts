import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

const SECRET = "s".repeat(40);

describe("environment", () => {
  it("embedded defaults: no DATABASE_URL means PGlite under .data/pglite", () => {
    const env = parseEnv({ NEXTAUTH_SECRET: SECRET });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PGLITE_DATA_DIR).toBe(".data/pglite");
    expect(env.NEXTAUTH_URL).toBe("http://localhost:3000");
  });

  it("an empty variable counts as unset", () => {
    expect(parseEnv({ NEXTAUTH_SECRET: SECRET, DATABASE_URL: "" }).DATABASE_URL).toBeUndefined();
  });

  it("a missing secret and a malformed URL are named in one message", () => {
    let error: unknown;
    try {
      parseEnv({ DATABASE_URL: "mysql://nope" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EnvError);
    const message = (error as Error).message;
    expect(message).toMatch(/NEXTAUTH_SECRET/);
    expect(message).toMatch(/DATABASE_URL: must be a postgresql:\/\/ connection string/);
  });
});
