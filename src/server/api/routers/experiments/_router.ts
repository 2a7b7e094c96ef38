import { adminProcedure, createTRPCRouter, viewerProcedure } from "@/server/api/trpc";
import { clockNow } from "@/server/clock";
import { ZCreateExperimentInput, createExperiment } from "@/server/experiments/create-experiment";
import { ZExperiment } from "@/server/experiments/experiment-record";
import { ZExperimentResults, ZGetExperimentResultsInput, getExperimentResults } from "@/server/experiments/get-experiment-results";
import { ZListExperimentsInput, ZListExperimentsOutput, listExperiments } from "@/server/experiments/list-experiments";
import { ZExperimentIdInput } from "@/server/experiments/move-experiment";
import { pauseExperiment } from "@/server/experiments/pause-experiment";
import { ZPickWinnerInput, ZPickWinnerOutput, pickWinner } from "@/server/experiments/pick-winner";
import { resumeExperiment } from "@/server/experiments/resume-experiment";
import { startExperiment } from "@/server/experiments/start-experiment";
import { stopExperiment } from "@/server/experiments/stop-experiment";

export const experimentsRouter = createTRPCRouter({
  /** Every client's experiments (or one client's), newest first. */
  list: viewerProcedure
    .input(ZListExperimentsInput)
    .output(ZListExperimentsOutput)
    .query(({ ctx, input }) => listExperiments(ctx.db, input)),

  /** Per variant: conversations, messages, cost, latency, errors, fallbacks, feedback. */
  results: viewerProcedure
    .input(ZGetExperimentResultsInput)
    .output(ZExperimentResults)
    .query(({ ctx, input }) => getExperimentResults(ctx.db, input)),

  /** A draft for one client; every variant's model must be priced (paid providers) and not retired. Audited. */
  create: adminProcedure
    .input(ZCreateExperimentInput)
    .output(ZExperiment)
    .mutation(({ ctx, input }) => createExperiment(ctx.db, input, ctx.session.user, clockNow())),

  /** draft -> running; at most one running or paused experiment per client. Audited. */
  start: adminProcedure
    .input(ZExperimentIdInput)
    .output(ZExperiment)
    .mutation(({ ctx, input }) => startExperiment(ctx.db, input, ctx.session.user, clockNow())),

  /** running -> paused. Audited. */
  pause: adminProcedure
    .input(ZExperimentIdInput)
    .output(ZExperiment)
    .mutation(({ ctx, input }) => pauseExperiment(ctx.db, input, ctx.session.user, clockNow())),

  /** paused -> running. Audited. */
  resume: adminProcedure
    .input(ZExperimentIdInput)
    .output(ZExperiment)
    .mutation(({ ctx, input }) => resumeExperiment(ctx.db, input, ctx.session.user, clockNow())),

  /** draft, running or paused -> stopped, for good. Audited. */
  stop: adminProcedure
    .input(ZExperimentIdInput)
    .output(ZExperiment)
    .mutation(({ ctx, input }) => stopExperiment(ctx.db, input, ctx.session.user, clockNow())),

  /** Stops the experiment and makes the variant the client's provider override (and routing switch). Audited twice. */
  pickWinner: adminProcedure
    .input(ZPickWinnerInput)
    .output(ZPickWinnerOutput)
    .mutation(({ ctx, input }) => pickWinner(ctx.db, input, ctx.session.user, clockNow())),
});
