import { PageHeaderSkeleton, SkeletonBlock, TableSkeleton } from "@/components/skeletons";

export default function ClientsLoading() {
  return (
    <div>
      <PageHeaderSkeleton />
      <div className="mb-4 flex gap-3">
        <SkeletonBlock className="h-10 flex-1" />
        <SkeletonBlock className="h-10 w-36" />
        <SkeletonBlock className="h-10 w-36" />
        <SkeletonBlock className="h-10 w-24" />
      </div>
      <TableSkeleton rows={10} columns={6} />
    </div>
  );
}
