// Every status move of an experiment (start, pause, resume, stop) goes through here, in
// one transaction: lock the client's row, then the experiment's, check the move, write it
// and its audit entry. The client's row lock is what makes "at most one running or paused
// experiment per client" hold: two starts for the same client queue on it, and the second
// sees the first one's experiment.
import { z } from "zod";
import type { TSessionUser } from "@/server/auth/session";
import { recordAudit } from "@/server/auth/audit-log";
import { inTransaction, type TDb, type TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { parseInput } from "@/server/errors/parse-input";
import { findUnchoosableModels } from "./choosable-models";
import { EXPERIMENT_SELECT, experimentOf, type TExperiment } from "./experiment-record";
import { ACTIVE_EXPERIMENT_STATUSES, nextExperimentStatus, type TExperimentMove } from "./experiment-status";

export const ZExperimentIdInput = z.object({ experimentId: z.uuid("must be an experiment id") });
export type TExperimentIdInput = z.input<typeof ZExperimentIdInput>;

/** Locks the client's row (SELECT ... FOR UPDATE): the one lock every experiment move of that client takes first. */
export async function lockExperimentClient(tx: TDbClient, clientId: string): Promise<void> {
  const rows = await tx.$queryRawUnsafe<Array<{ id: string }>>(`SELECT id::text AS id FROM "Client" WHERE id = $1::uuid FOR UPDATE`, clientId);
  if (rows.length === 0) throw new AppError("NOT_FOUND", "The experiment's client no longer exists.", { clientId });
}

/** Locks the experiment's row and reads it; call after lockExperimentClient (always client first, then experiment: no deadlock). */
export async function lockExperiment(tx: TDbClient, experimentId: string): Promise<TExperiment> {
  const locked = await tx.$queryRawUnsafe<Array<{ id: string }>>(`SELECT id::text AS id FROM "Experiment" WHERE id = $1::uuid FOR UPDATE`, experimentId);
  if (locked.length === 0) throw new AppError("NOT_FOUND", "No experiment with that id.", { id: experimentId });
  return experimentOf(await tx.experiment.findUniqueOrThrow({ where: { id: experimentId }, select: EXPERIMENT_SELECT }));
}

/** The client of an experiment: fixed at creation, so it can be read before any lock. */
export async function clientOfExperiment(db: TDbClient, experimentId: string): Promise<{ name: string; clientId: string | null }> {
  const row = await db.experiment.findUnique({ where: { id: experimentId }, select: { name: true, clientId: true } });
  if (!row) throw new AppError("NOT_FOUND", "No experiment with that id.", { id: experimentId });
  return row;
}

export async function moveExperiment(db: TDb, rawInput: TExperimentIdInput, move: TExperimentMove, actor: TSessionUser, now: Date): Promise<TExperiment> {
  const { experimentId } = parseInput(ZExperimentIdInput, rawInput);
  return inTransaction(db, async (tx) => {
    const { clientId, name } = await clientOfExperiment(tx, experimentId);
    if (!clientId) {
      throw new AppError("EXPERIMENT_STATUS_CONFLICT", `Experiment "${name}" belongs to no client (it predates per-client experiments); it cannot ${move}.`, {
        experimentId,
        move,
      });
    }
    await lockExperimentClient(tx, clientId);
    const experiment = await lockExperiment(tx, experimentId);
    const status = nextExperimentStatus(experiment, move);

    if (status === "running") {
      const other = await tx.experiment.findFirst({
        where: { clientId, status: { in: [...ACTIVE_EXPERIMENT_STATUSES] }, id: { not: experimentId } },
        select: { id: true, name: true, status: true },
      });
      if (other) {
        throw new AppError(
          "EXPERIMENT_ALREADY_ACTIVE",
          `${experiment.clientName ?? "This client"} already has experiment "${other.name}" ${other.status}; stop it before starting another.`,
          { experimentId, otherExperimentId: other.id, otherStatus: other.status },
        );
      }
    }

    if (status === "running") {
      // A variant's model may have been retired, or lost its price, since the draft was saved.
      const refusals = await findUnchoosableModels(
        tx,
        experiment.variants.map((variant, index) => ({ provider: variant.provider, model: variant.model, field: `variants.${index}.model` })),
        now,
      );
      if (refusals.length > 0) {
        throw new AppError("BAD_REQUEST", `Experiment "${experiment.name}" cannot ${move}: ${refusals.map((r) => `${r.field} ${r.message}`).join("; ")}`, { issues: refusals });
      }
    }

    const row = await tx.experiment.update({
      where: { id: experimentId },
      data: {
        status,
        updatedAt: now,
        ...(status === "running" && !experiment.startedAt ? { startedAt: now } : {}),
        ...(status === "stopped" ? { endedAt: now } : {}),
      },
      select: EXPERIMENT_SELECT,
    });
    await recordAudit(tx, actor, now, {
      action: `experiment.${move}`,
      entityType: "Experiment",
      entityId: experimentId,
      clientId,
      before: { status: experiment.status },
      after: { status },
    });
    return experimentOf(row);
  });
}

