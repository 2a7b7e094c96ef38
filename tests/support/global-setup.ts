import type { TestProject } from "vitest/node";
import { ensurePostgresServer } from "./postgres-server";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const server = await ensurePostgresServer();
  project.provide("pgAdminUrl", server.adminUrl);
  return async () => {
    await server.stop();
  };
}
