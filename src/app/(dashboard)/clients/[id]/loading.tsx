import { KpiCardsSkeleton, SkeletonBlock, TableSkeleton } from "@/components/skeletons";

export default function ClientLoading() {
  return (
    <div>
      <SkeletonBlock className="h-4 w-16" />
      <SkeletonBlock className="mb-6 mt-3 h-8 w-72" />
      <div className="mb-6 flex gap-6 border-b border-gray-200 pb-3">
        {Array.from({ length: 5 }, (_, index) => (
          <SkeletonBlock key={index} className="h-4 w-16" />
        ))}
      </div>
      <KpiCardsSkeleton count={3} />
      <div className="mt-6">
        <TableSkeleton rows={6} columns={4} />
      </div>
    </div>
  );
}
