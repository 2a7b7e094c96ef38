import type { TSessionUser } from "@/server/auth/session";
import type { TDb } from "@/server/db/client";
import type { TExperiment } from "./experiment-record";
import { moveExperiment, type TExperimentIdInput } from "./move-experiment";

/** Resumes a paused experiment: assignment goes on where it stopped (the same conversations keep their variants). Audited. */
export function resumeExperiment(db: TDb, input: TExperimentIdInput, actor: TSessionUser, now: Date): Promise<TExperiment> {
  return moveExperiment(db, input, "resume", actor, now);
}
