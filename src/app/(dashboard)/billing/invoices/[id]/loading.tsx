import { SkeletonBlock, TableSkeleton } from "@/components/skeletons";

export default function InvoiceLoading() {
  return (
    <div>
      <SkeletonBlock className="h-4 w-16" />
      <div className="mb-6 mt-3 flex flex-wrap items-start justify-between gap-4">
        <div className="space-y-2">
          <SkeletonBlock className="h-8 w-64" />
          <SkeletonBlock className="h-4 w-80" />
        </div>
        <div className="flex gap-2">
          <SkeletonBlock className="h-8 w-24" />
          <SkeletonBlock className="h-8 w-28" />
        </div>
      </div>
      <div className="grid grid-cols-1 gap-4 xl:grid-cols-3">
        <div className="space-y-4 xl:col-span-2">
          <TableSkeleton rows={4} columns={4} />
          <TableSkeleton rows={2} columns={6} />
        </div>
        <div className="space-y-4">
          <div className="space-y-3 rounded-lg border border-gray-200 bg-white p-5 shadow-sm">
            <SkeletonBlock className="h-5 w-32" />
            {Array.from({ length: 6 }, (_, index) => (
              <SkeletonBlock key={index} className="h-4 w-full" />
            ))}
          </div>
        </div>
      </div>
    </div>
  );
}
