import type { TSessionUser } from "@/server/auth/session";
import type { TDb } from "@/server/db/client";
import type { TExperiment } from "./experiment-record";
import { moveExperiment, type TExperimentIdInput } from "./move-experiment";

/** Stops an experiment for good (a draft, running or paused): assignment ends, the results stay. Frees the client's slot. Audited. */
export function stopExperiment(db: TDb, input: TExperimentIdInput, actor: TSessionUser, now: Date): Promise<TExperiment> {
  return moveExperiment(db, input, "stop", actor, now);
}
