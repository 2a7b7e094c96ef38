import type { TSessionUser } from "@/server/auth/session";
import type { TDb } from "@/server/db/client";
import type { TExperiment } from "./experiment-record";
import { moveExperiment, type TExperimentIdInput } from "./move-experiment";

/** Pauses a running experiment: no conversation is assigned a variant until it resumes; it keeps the client's experiment slot and its results. Audited. */
export function pauseExperiment(db: TDb, input: TExperimentIdInput, actor: TSessionUser, now: Date): Promise<TExperiment> {
  return moveExperiment(db, input, "pause", actor, now);
}
