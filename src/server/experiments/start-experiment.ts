import type { TSessionUser } from "@/server/auth/session";
import type { TDb } from "@/server/db/client";
import type { TExperiment } from "./experiment-record";
import { moveExperiment, type TExperimentIdInput } from "./move-experiment";

/** Starts a draft: its client's new conversations are assigned variants from now on. Refused while the client has another experiment running or paused. Audited. */
export function startExperiment(db: TDb, input: TExperimentIdInput, actor: TSessionUser, now: Date): Promise<TExperiment> {
  return moveExperiment(db, input, "start", actor, now);
}
