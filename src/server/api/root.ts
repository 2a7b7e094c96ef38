import { createCallerFactory, createTRPCRouter } from "@/server/api/trpc";
import { clientsRouter } from "@/server/api/routers/clients/_router";
import { plansRouter } from "@/server/api/routers/plans/_router";

export const appRouter = createTRPCRouter({
  clients: clientsRouter,
  plans: plansRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
