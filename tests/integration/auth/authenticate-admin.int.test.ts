import { beforeAll, expect, it } from "vitest";
import { authenticateAdmin } from "@/server/auth/authenticate-admin";
import { createTestAdmin } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";

describeEachDatabase("admin sign-in", (use) => {
  let admin: Awaited<ReturnType<typeof createTestAdmin>>;
  beforeAll(async () => {
    admin = await createTestAdmin(use().db, "admin");
  });

  it("the right password signs in with the user's role, and never returns the hash", async () => {
    const user = await authenticateAdmin(use().db, { email: admin.email.toUpperCase(), password: admin.password });
    expect(user).toEqual({ id: admin.id, email: admin.email, name: admin.name, role: "admin" });
    const row = await use().db.adminUser.findUniqueOrThrow({ where: { id: admin.id } });
    expect(row).not.toHaveProperty("passwordHash");
    expect(row.lastLoginAt).toBeInstanceOf(Date);
  });

  it("a wrong password, unknown email or malformed input signs nobody in", async () => {
    expect(await authenticateAdmin(use().db, { email: admin.email, password: "wrong" })).toBeNull();
    expect(await authenticateAdmin(use().db, { email: "nobody@example.com", password: admin.password })).toBeNull();
    expect(await authenticateAdmin(use().db, { email: "not-an-email", password: "" })).toBeNull();
    expect(await authenticateAdmin(use().db, undefined)).toBeNull();
  });
});
