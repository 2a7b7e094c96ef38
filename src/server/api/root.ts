import { createCallerFactory, createTRPCRouter } from "@/server/api/trpc";
import { alertsRouter } from "@/server/api/routers/alerts/_router";
import { billingRouter } from "@/server/api/routers/billing/_router";
import { chatRouter } from "@/server/api/routers/chat/_router";
import { clientsRouter } from "@/server/api/routers/clients/_router";
import { experimentsRouter } from "@/server/api/routers/experiments/_router";
import { plansRouter } from "@/server/api/routers/plans/_router";
import { providersRouter } from "@/server/api/routers/providers/_router";
import { usageRouter } from "@/server/api/routers/usage/_router";
import { usersRouter } from "@/server/api/routers/users/_router";

export const appRouter = createTRPCRouter({
  alerts: alertsRouter,
  billing: billingRouter,
  chat: chatRouter,
  clients: clientsRouter,
  experiments: experimentsRouter,
  plans: plansRouter,
  providers: providersRouter,
  usage: usageRouter,
  users: usersRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
