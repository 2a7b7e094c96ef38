import { beforeAll, expect, it } from "vitest";
import { authenticateAdmin } from "@/server/auth/authenticate-admin";
import { createTestAdmin } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";

describeEachDatabase("admin sign-in", (testDb) => {
  let admin: Awaited<ReturnType<typeof createTestAdmin>>;
  beforeAll(async () => {
    admin = await createTestAdmin(testDb().db, "admin");
  });

  it("the right password signs in with the user's role, and never returns the hash", async () => {
    const user = await authenticateAdmin(testDb().db, { email: admin.email.toUpperCase(), password: admin.password });
    expect(user).toEqual({ id: admin.id, email: admin.email, name: admin.name, role: "admin" });
    const row = await testDb().db.adminUser.findUniqueOrThrow({ where: { id: admin.id } });
    expect(row).not.toHaveProperty("passwordHash");
    expect(row.lastLoginAt).toBeInstanceOf(Date);
  });

  it("a wrong password, unknown email or malformed input signs nobody in", async () => {
    expect(await authenticateAdmin(testDb().db, { email: admin.email, password: "wrong" })).toBeNull();
    expect(await authenticateAdmin(testDb().db, { email: "nobody@example.com", password: admin.password })).toBeNull();
    expect(await authenticateAdmin(testDb().db, { email: "not-an-email", password: "" })).toBeNull();
    expect(await authenticateAdmin(testDb().db, undefined)).toBeNull();
  });
});
