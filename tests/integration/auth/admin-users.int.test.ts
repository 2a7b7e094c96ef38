import { beforeAll, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import { endSession, liveSessionUser, SESSION_MAX_AGE_SECONDS, startSession } from "@/server/auth/admin-sessions";
import { authenticateAdmin } from "@/server/auth/authenticate-admin";
import type { TSessionUser } from "@/server/auth/session";
import { createSignInLimiter } from "@/server/auth/sign-in-limits";
import { clockNow } from "@/server/clock";
import { createTestAdmin, uniqueSuffix } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";

// The procedures read the app's clock; sessions are made on the same timeline.
const NOW = clockNow();
const LATER = new Date(NOW.getTime() + 60_000);

describeEachDatabase("revocable sessions and the users page", (testDb) => {
  let admin: TSessionUser;
  beforeAll(async () => {
    admin = await createTestAdmin(testDb().db, "admin");
  });
  const users = (as: TSessionUser) => createCaller(createTRPCContext({ db: testDb().db, session: { user: as }, headers: new Headers() })).users;
  const auditOf = (id: string) => testDb().db.auditLog.findMany({ where: { entityType: "AdminUser", entityId: id }, orderBy: { createdAt: "asc" } });

  it("a session is live until sign-out, and sign-out ends that session only", async () => {
    const user = await createTestAdmin(testDb().db, "viewer");
    const [phone, laptop] = [await startSession(testDb().db, user.id, NOW), await startSession(testDb().db, user.id, NOW)];
    expect(await liveSessionUser(testDb().db, phone.id, LATER)).toMatchObject({ id: user.id, role: "viewer" });
    await endSession(testDb().db, phone.id, LATER);
    expect(await liveSessionUser(testDb().db, phone.id, LATER)).toBeNull();
    expect(await liveSessionUser(testDb().db, laptop.id, LATER)).toMatchObject({ id: user.id });
    // And it lasts 8 hours from sign-in, however busy.
    expect(await liveSessionUser(testDb().db, laptop.id, new Date(NOW.getTime() + SESSION_MAX_AGE_SECONDS * 1000))).toBeNull();
    // A month later, the next sign-in clears the old rows away.
    const monthLater = new Date(NOW.getTime() + 31 * 24 * 60 * 60 * 1000);
    const next = await startSession(testDb().db, user.id, monthLater);
    expect(await testDb().db.adminSession.findMany({ where: { userId: user.id }, select: { id: true } })).toEqual([{ id: next.id }]);
  });

  it("a demoted admin is a viewer on the next request; the change is audited", async () => {
    const other = await createTestAdmin(testDb().db, "admin");
    const session = await startSession(testDb().db, other.id, NOW);
    await expect(users(other).list()).resolves.toBeInstanceOf(Array);
    await users(admin).setRole({ id: other.id, role: "viewer" });
    const now = await liveSessionUser(testDb().db, session.id, LATER);
    expect(now).toMatchObject({ id: other.id, role: "viewer" });
    await expect(users(now!).list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await auditOf(other.id)).map((entry) => [entry.action, entry.actorId, entry.before, entry.after])).toEqual([
      ["admin_user.role_change", admin.id, { role: "admin" }, { role: "viewer" }],
    ]);
  });

  it("a password reset ends every session, the old password stops working and the temporary one works", async () => {
    const user = await createTestAdmin(testDb().db, "viewer");
    const sessions = [await startSession(testDb().db, user.id, NOW), await startSession(testDb().db, user.id, NOW)];
    const { temporaryPassword } = await users(admin).resetPassword({ id: user.id });
    expect(temporaryPassword).toMatch(/^[A-Za-z0-9_-]{20}$/);
    for (const session of sessions) expect(await liveSessionUser(testDb().db, session.id, LATER)).toBeNull();
    const ctx = { limiter: createSignInLimiter(testDb().db), address: `reset-${uniqueSuffix()}`, now: LATER };
    expect(await authenticateAdmin(testDb().db, { email: user.email, password: user.password }, ctx)).toBeNull();
    expect(await authenticateAdmin(testDb().db, { email: user.email, password: temporaryPassword }, ctx)).toMatchObject({ id: user.id });
    const [entry] = await auditOf(user.id);
    expect(entry).toMatchObject({ action: "admin_user.password_reset", actorId: admin.id, after: { endedSessions: 2 } });
    expect(JSON.stringify(entry)).not.toContain(temporaryPassword);
  });

  it("deactivating ends the sessions and sign-in; reactivating allows sign-in again; both audited with the reason", async () => {
    const user = await createTestAdmin(testDb().db, "viewer");
    const session = await startSession(testDb().db, user.id, NOW);
    await users(admin).setActive({ id: user.id, active: false, reason: "left the company" });
    expect(await liveSessionUser(testDb().db, session.id, LATER)).toBeNull();
    const ctx = { limiter: createSignInLimiter(testDb().db), address: `deact-${uniqueSuffix()}`, now: LATER };
    expect(await authenticateAdmin(testDb().db, { email: user.email, password: user.password }, ctx)).toBeNull();
    await users(admin).setActive({ id: user.id, active: true, reason: "came back" });
    // The old session stays ended; a new sign-in works.
    expect(await liveSessionUser(testDb().db, session.id, LATER)).toBeNull();
    expect(await authenticateAdmin(testDb().db, { email: user.email, password: user.password }, ctx)).toMatchObject({ id: user.id });
    expect((await auditOf(user.id)).map((entry) => [entry.action, entry.reason])).toEqual([
      ["admin_user.deactivate", "left the company"],
      ["admin_user.reactivate", "came back"],
    ]);
  });

  it("an admin adds a user with a temporary password shown once; the email is unique; it is audited", async () => {
    const email = `New.Person-${uniqueSuffix()}@Example.com`;
    const added = await users(admin).add({ email, name: "New Person", role: "viewer" });
    expect(added.email).toBe(email.toLowerCase());
    const ctx = { limiter: createSignInLimiter(testDb().db), address: `add-${uniqueSuffix()}`, now: LATER };
    expect(await authenticateAdmin(testDb().db, { email, password: added.temporaryPassword }, ctx)).toMatchObject({ role: "viewer" });
    await expect(users(admin).add({ email: email.toUpperCase(), name: "Again", role: "admin" })).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await auditOf(added.id)).map((entry) => entry.action)).toEqual(["admin_user.create"]);
    const listed = (await users(admin).list()).find((row) => row.id === added.id);
    expect(listed).toMatchObject({ email: email.toLowerCase(), role: "viewer", deactivatedAt: null });
  });

  it("the last active admin can be neither demoted nor deactivated, even by two admins at once", async () => {
    // A database of its own users: make every other admin a viewer first.
    const db = testDb().db;
    const keep = await createTestAdmin(db, "admin");
    const second = await createTestAdmin(db, "admin");
    await db.adminUser.updateMany({ where: { role: "admin", id: { notIn: [keep.id, second.id] } }, data: { role: "viewer" } });
    // Two admins demote each other at the same moment: one of them must stay.
    const results = await Promise.allSettled([users(keep).setRole({ id: second.id, role: "viewer" }), users(second).setRole({ id: keep.id, role: "viewer" })]);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(await db.adminUser.count({ where: { role: "admin", deactivatedAt: null } })).toBe(1);
    const last = (await db.adminUser.findFirstOrThrow({ where: { role: "admin", deactivatedAt: null }, select: { id: true } })).id;
    const lastUser = [keep, second].find((u) => u.id === last)!;
    await expect(users(lastUser).setRole({ id: last, role: "viewer" })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("last active admin") });
    await expect(users(lastUser).setActive({ id: last, active: false, reason: "testing" })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await db.adminUser.count({ where: { role: "admin", deactivatedAt: null } })).toBe(1);
    await db.adminUser.update({ where: { id: admin.id }, data: { role: "admin" } });
  });

  it("a viewer can neither see nor change users", async () => {
    const viewer = await createTestAdmin(testDb().db, "viewer");
    await expect(users(viewer).list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(users(viewer).setRole({ id: viewer.id, role: "admin" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(users(viewer).add({ email: `x-${uniqueSuffix()}@example.com`, name: "X", role: "admin" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await testDb().db.adminUser.findUniqueOrThrow({ where: { id: viewer.id } })).role).toBe("viewer");
  });
});
