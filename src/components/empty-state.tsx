import type { ReactNode } from "react";

/** What a table or section shows when there is nothing to list, and what to do next. */
export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div
      data-testid="empty-state"
      className="flex flex-col items-center justify-center rounded-lg border border-dashed border-gray-300 bg-white px-6 py-12 text-center"
    >
      <p className="text-sm font-medium text-gray-900">{title}</p>
      {children ? <div className="mt-1 max-w-md text-sm text-gray-500">{children}</div> : null}
      {action ? <div className="mt-4 text-sm">{action}</div> : null}
    </div>
  );
}
