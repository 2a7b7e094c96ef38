import { createCallerFactory, createTRPCRouter } from "@/server/api/trpc";
import { billingRouter } from "@/server/api/routers/billing/_router";
import { chatRouter } from "@/server/api/routers/chat/_router";
import { clientsRouter } from "@/server/api/routers/clients/_router";
import { plansRouter } from "@/server/api/routers/plans/_router";
import { providersRouter } from "@/server/api/routers/providers/_router";
import { usageRouter } from "@/server/api/routers/usage/_router";

export const appRouter = createTRPCRouter({
  billing: billingRouter,
  chat: chatRouter,
  clients: clientsRouter,
  plans: plansRouter,
  providers: providersRouter,
  usage: usageRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
