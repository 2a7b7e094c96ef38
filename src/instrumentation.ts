// Next.js calls register() once when a server process starts. The alert outbox worker runs
// here in the Node.js runtime (never in the edge runtime, never during `next build`).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { startAppAlertWorker } = await import("@/server/alerts/app-alert-worker");
  startAppAlertWorker();
}
