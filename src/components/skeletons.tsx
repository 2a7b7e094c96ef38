// Placeholders for loading.tsx files: the page's shape, grey and pulsing.
import clsx from "clsx";

export function SkeletonBlock({ className }: { className?: string }) {
  return <div className={clsx("animate-pulse rounded-md bg-gray-200", className)} />;
}

export function PageHeaderSkeleton() {
  return (
    <div className="mb-6 space-y-2">
      <SkeletonBlock className="h-7 w-56" />
      <SkeletonBlock className="h-4 w-80" />
    </div>
  );
}

export function KpiCardsSkeleton({ count = 4 }: { count?: number }) {
  return (
    <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4">
      {Array.from({ length: count }, (_, index) => (
        <div key={index} className="rounded-lg border border-gray-200 bg-white p-5 shadow-sm">
          <SkeletonBlock className="h-4 w-24" />
          <SkeletonBlock className="mt-3 h-8 w-32" />
        </div>
      ))}
    </div>
  );
}

export function ChartSkeleton({ className }: { className?: string }) {
  return (
    <div className={clsx("rounded-lg border border-gray-200 bg-white p-5 shadow-sm", className)}>
      <SkeletonBlock className="h-5 w-40" />
      <div className="mt-6 flex h-56 items-end gap-3">
        {[40, 65, 30, 80, 55, 70, 45, 90, 60, 75, 50, 85].map((height, index) => (
          <div key={index} className="flex-1 animate-pulse rounded-t bg-gray-200" style={{ height: `${height}%` }} />
        ))}
      </div>
    </div>
  );
}

export function TableSkeleton({ rows = 8, columns = 5 }: { rows?: number; columns?: number }) {
  return (
    <div className="rounded-lg border border-gray-200 bg-white p-5 shadow-sm" aria-busy="true" aria-label="Loading">
      <div className="flex gap-4 border-b border-gray-100 pb-3">
        {Array.from({ length: columns }, (_, index) => (
          <SkeletonBlock key={index} className="h-4 flex-1" />
        ))}
      </div>
      {Array.from({ length: rows }, (_, row) => (
        <div key={row} className="flex gap-4 border-b border-gray-50 py-3 last:border-0">
          {Array.from({ length: columns }, (_, column) => (
            <SkeletonBlock key={column} className="h-4 flex-1" />
          ))}
        </div>
      ))}
    </div>
  );
}
