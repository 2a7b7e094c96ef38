// An experiment's lifecycle: draft -> running <-> paused -> stopped (a draft may be
// stopped too: dropped without running). Pure: the domain functions that move an
// experiment ask here whether the move is legal, and say why not in one place.
import { AppError } from "@/server/errors/app-error";

export const EXPERIMENT_STATUSES = ["draft", "running", "paused", "stopped"] as const;
export type TExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

export const EXPERIMENT_MOVES = {
  start: { from: ["draft"], to: "running" },
  pause: { from: ["running"], to: "paused" },
  resume: { from: ["paused"], to: "running" },
  stop: { from: ["draft", "running", "paused"], to: "stopped" },
} as const satisfies Record<string, { from: readonly TExperimentStatus[]; to: TExperimentStatus }>;
export type TExperimentMove = keyof typeof EXPERIMENT_MOVES;

/** Statuses that hold the client's one experiment slot: its conversations are (or will again be) assigned variants. */
export const ACTIVE_EXPERIMENT_STATUSES: readonly TExperimentStatus[] = ["running", "paused"];

const DESCRIBED: Record<TExperimentStatus, string> = {
  draft: "a draft (not started yet)",
  running: "running",
  paused: "paused",
  stopped: "stopped",
};

/** The status after `move`; throws EXPERIMENT_STATUS_CONFLICT when `move` is not allowed from `from`. */
export function nextExperimentStatus(experiment: { id: string; name: string; status: TExperimentStatus }, move: TExperimentMove): TExperimentStatus {
  const { from, to } = EXPERIMENT_MOVES[move];
  if ((from as readonly TExperimentStatus[]).includes(experiment.status)) return to;
  throw new AppError("EXPERIMENT_STATUS_CONFLICT", `Experiment "${experiment.name}" is ${DESCRIBED[experiment.status]}; it cannot ${move}${move === "stop" ? "" : " now"}.`, {
    experimentId: experiment.id,
    status: experiment.status,
    move,
    allowedFrom: [...from],
  });
}
