import type { ReactNode } from "react";
import { redirect } from "next/navigation";
import { getSession } from "@/server/auth/auth-options";
import { NavLinks } from "@/components/nav-links";
import { SignOutButton } from "@/components/sign-out-button";
import { Providers } from "@/components/providers";
import { clockNow, isClockPinned } from "@/server/clock";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  // Pages also go through role-checked tRPC procedures; this keeps signed-out users
  // from seeing even the shell.
  const session = await getSession();
  if (!session) redirect("/login");
  return (
    <Providers>
      <div className="flex min-h-screen">
        <aside className="flex w-56 shrink-0 flex-col border-r border-gray-200 bg-white px-3 py-5">
          <div className="mb-6 px-3 text-lg font-semibold tracking-tight">Meterline</div>
          <NavLinks isAdmin={session.user.role === "admin"} />
          {isClockPinned() ? (
            <div className="mx-3 mt-4 rounded-md bg-amber-50 px-2 py-1.5 text-xs text-amber-800" data-testid="clock-pinned" title="APP_NOW pins the app's clock">
              As of {clockNow().toISOString().slice(0, 16).replace("T", " ")} UTC
            </div>
          ) : null}
          <div className="mt-auto border-t border-gray-100 px-3 pt-4 text-sm">
            <div className="truncate font-medium" data-testid="session-user">
              {session.user.name}
            </div>
            <div className="mb-2 text-xs uppercase tracking-wide text-gray-500" data-testid="session-role">
              {session.user.role}
            </div>
            <SignOutButton />
          </div>
        </aside>
        <main className="min-w-0 flex-1 px-8 py-6">{children}</main>
      </div>
    </Providers>
  );
}
