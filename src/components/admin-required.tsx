import Link from "next/link";

/**
 * What a page that changes data shows a signed-in viewer: the reason, and a way back.
 * The procedures behind the page refuse viewers too (FORBIDDEN); this only saves
 * them a form they cannot submit.
 */
export function AdminRequired({ action, backHref, backLabel }: { action: string; backHref: string; backLabel: string }) {
  return (
    <div role="alert" data-testid="admin-required" className="rounded-lg border border-amber-200 bg-amber-50 p-6">
      <h2 className="text-base font-semibold text-amber-900">You need the admin role</h2>
      <p className="mt-1 text-sm text-amber-800">
        You are signed in as a viewer, who can read everything but change nothing. Ask an admin to {action}.
      </p>
      <Link href={backHref} className="mt-4 inline-block text-sm font-medium text-blue-600 hover:underline">
        {backLabel}
      </Link>
    </div>
  );
}
