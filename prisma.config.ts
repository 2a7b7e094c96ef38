// Prisma 7 CLI config. The app never reads DATABASE_URL through here: it builds its
// client with a driver adapter in src/server/db. Migrations are SQL files applied by
// `npm run db:migrate`, so that they also run where Prisma's native engine cannot.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx prisma/seed.ts" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/meterline" },
});
