import { describe, expect, it } from "vitest";
import { AppError } from "@/server/errors/app-error";
import { EXPERIMENT_MOVES, EXPERIMENT_STATUSES, nextExperimentStatus, type TExperimentMove } from "./experiment-status";

const LEGAL: Record<TExperimentMove, Record<string, string>> = {
  start: { draft: "running" },
  pause: { running: "paused" },
  resume: { paused: "running" },
  stop: { draft: "stopped", running: "stopped", paused: "stopped" },
};

describe("experiment status moves", () => {
  for (const move of Object.keys(EXPERIMENT_MOVES) as TExperimentMove[]) {
    for (const status of EXPERIMENT_STATUSES) {
      const to = LEGAL[move][status];
      it(`${move} from ${status}: ${to ? `becomes ${to}` : "is refused with EXPERIMENT_STATUS_CONFLICT"}`, () => {
        const experiment = { id: "e1", name: "Cheaper model", status };
        if (to) {
          expect(nextExperimentStatus(experiment, move)).toBe(to);
          return;
        }
        let caught: unknown;
        try {
          nextExperimentStatus(experiment, move);
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(AppError);
        expect(caught).toMatchObject({ code: "EXPERIMENT_STATUS_CONFLICT", httpStatus: 409, data: { status, move } });
        expect((caught as AppError).message).toContain('"Cheaper model"');
      });
    }
  }
});
