import { beforeAll, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import type { TSessionUser } from "@/server/auth/session";
import { clockNow } from "@/server/clock";
import type { TExperiment } from "@/server/experiments/experiment-record";
import { pauseExperiment } from "@/server/experiments/pause-experiment";
import { resumeExperiment } from "@/server/experiments/resume-experiment";
import { startExperiment } from "@/server/experiments/start-experiment";
import { stopExperiment } from "@/server/experiments/stop-experiment";
import { createTestAdmin, createTestClient } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";
import { rejection } from "../payments/payment-test-support";
import { draftExperiment, ensureModelPrices } from "./experiment-test-support";

const MINUTE = 60_000;

describeEachDatabase("experiments: start, pause, resume, stop", (testDb) => {
  let admin: TSessionUser;
  let viewer: TSessionUser;
  beforeAll(async () => {
    const { db } = testDb();
    admin = await createTestAdmin(db, "admin");
    viewer = await createTestAdmin(db, "viewer");
    await ensureModelPrices(db);
  });

  it("draft -> running -> paused -> running -> stopped: startedAt on the first start only, endedAt on stop, each move audited", async () => {
    const { db } = testDb();
    const draft = await draftExperiment(db, admin);
    const t0 = clockNow();
    const at = (minutes: number) => new Date(t0.getTime() + minutes * MINUTE);
    const input = { experimentId: draft.id };

    expect(await startExperiment(db, input, admin, at(1))).toMatchObject({ status: "running", startedAt: at(1), endedAt: null });
    expect(await pauseExperiment(db, input, admin, at(2))).toMatchObject({ status: "paused", startedAt: at(1), endedAt: null });
    expect(await resumeExperiment(db, input, admin, at(3))).toMatchObject({ status: "running", startedAt: at(1), endedAt: null });
    expect(await stopExperiment(db, input, admin, at(4))).toMatchObject({ status: "stopped", startedAt: at(1), endedAt: at(4) });

    const audit = await db.auditLog.findMany({ where: { entityId: draft.id }, orderBy: { createdAt: "asc" }, select: { action: true, before: true, after: true, actorEmail: true } });
    expect(audit.map((entry) => [entry.action, entry.before, entry.after])).toEqual([
      ["experiment.create", null, expect.objectContaining({ status: "draft" })],
      ["experiment.start", { status: "draft" }, { status: "running" }],
      ["experiment.pause", { status: "running" }, { status: "paused" }],
      ["experiment.resume", { status: "paused" }, { status: "running" }],
      ["experiment.stop", { status: "running" }, { status: "stopped" }],
    ]);
  });

  it("illegal moves are EXPERIMENT_STATUS_CONFLICT (409) and change nothing", async () => {
    const { db } = testDb();
    const draft = await draftExperiment(db, admin);
    const input = { experimentId: draft.id };
    const refused = async (move: (typeof MOVES)[number], expected: TExperiment["status"]) => {
      const error = await rejection(move(db, input, admin, clockNow()));
      expect(error).toMatchObject({ code: "EXPERIMENT_STATUS_CONFLICT", httpStatus: 409, data: { status: expected } });
      expect((await db.experiment.findUniqueOrThrow({ where: { id: draft.id }, select: { status: true } })).status).toBe(expected);
    };
    const MOVES = [startExperiment, pauseExperiment, resumeExperiment, stopExperiment] as const;
    await refused(pauseExperiment, "draft");
    await refused(resumeExperiment, "draft");
    await startExperiment(db, input, admin, clockNow());
    await refused(startExperiment, "running");
    await refused(resumeExperiment, "running");
    await pauseExperiment(db, input, admin, clockNow());
    await refused(pauseExperiment, "paused");
    await refused(startExperiment, "paused");
    await stopExperiment(db, input, admin, clockNow());
    for (const move of MOVES) await refused(move, "stopped");
    expect(await db.auditLog.count({ where: { entityId: draft.id } })).toBe(4);
  });

  it("a draft can be stopped without ever running: endedAt set, startedAt stays empty", async () => {
    const { db } = testDb();
    const draft = await draftExperiment(db, admin);
    expect(await stopExperiment(db, { experimentId: draft.id }, admin, clockNow())).toMatchObject({ status: "stopped", startedAt: null, endedAt: expect.any(Date) });
  });

  it("one running or paused experiment per client: a second start is EXPERIMENT_ALREADY_ACTIVE until the first stops; other clients are independent", async () => {
    const { db } = testDb();
    const client = await createTestClient(db);
    const first = await draftExperiment(db, admin, { clientId: client.id });
    const second = await draftExperiment(db, admin, { clientId: client.id });
    const elsewhere = await draftExperiment(db, admin);
    await startExperiment(db, { experimentId: first.id }, admin, clockNow());
    await expect(startExperiment(db, { experimentId: elsewhere.id }, admin, clockNow())).resolves.toMatchObject({ status: "running" });

    const whileRunning = await rejection(startExperiment(db, { experimentId: second.id }, admin, clockNow()));
    expect(whileRunning).toMatchObject({ code: "EXPERIMENT_ALREADY_ACTIVE", httpStatus: 409, data: { otherExperimentId: first.id, otherStatus: "running" } });
    await pauseExperiment(db, { experimentId: first.id }, admin, clockNow());
    // Paused still holds the slot: it may resume.
    expect(await rejection(startExperiment(db, { experimentId: second.id }, admin, clockNow()))).toMatchObject({ code: "EXPERIMENT_ALREADY_ACTIVE", data: { otherStatus: "paused" } });
    await stopExperiment(db, { experimentId: first.id }, admin, clockNow());
    await expect(startExperiment(db, { experimentId: second.id }, admin, clockNow())).resolves.toMatchObject({ status: "running" });
    expect((await db.experiment.findUniqueOrThrow({ where: { id: second.id } })).startedAt).not.toBeNull();
  });

  it("concurrent starts of a client's experiments: exactly one wins, every round (the client's row lock)", async () => {
    const { db } = testDb();
    for (let round = 0; round < 5; round++) {
      const client = await createTestClient(db);
      const drafts = await Promise.all([0, 1, 2].map(() => draftExperiment(db, admin, { clientId: client.id })));
      const outcomes = await Promise.allSettled(drafts.map((draft) => startExperiment(db, { experimentId: draft.id }, admin, clockNow())));
      const won = outcomes.filter((outcome) => outcome.status === "fulfilled");
      const lost = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason as unknown] : []));
      expect(won).toHaveLength(1);
      expect(lost).toEqual([expect.objectContaining({ code: "EXPERIMENT_ALREADY_ACTIVE" }), expect.objectContaining({ code: "EXPERIMENT_ALREADY_ACTIVE" })]);
      expect(await db.experiment.count({ where: { clientId: client.id, status: "running" } })).toBe(1);
      expect(await db.auditLog.count({ where: { clientId: client.id, action: "experiment.start" } })).toBe(1);
    }
  });

  it("through tRPC: a viewer is FORBIDDEN to start; an unknown experiment is NOT_FOUND; the conflict is a 409 CONFLICT", async () => {
    const { db } = testDb();
    const draft = await draftExperiment(db, admin);
    const asViewer = createCaller(createTRPCContext({ db, session: { user: viewer }, headers: new Headers() }));
    await expect(asViewer.experiments.start({ experimentId: draft.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await db.experiment.findUniqueOrThrow({ where: { id: draft.id } })).status).toBe("draft");
    const asAdmin = createCaller(createTRPCContext({ db, session: { user: admin }, headers: new Headers() }));
    await expect(asAdmin.experiments.start({ experimentId: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(asAdmin.experiments.pause({ experimentId: draft.id })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(asAdmin.experiments.start({ experimentId: draft.id })).resolves.toMatchObject({ status: "running" });
  });
});
