import { KpiCardsSkeleton, PageHeaderSkeleton, TableSkeleton } from "@/components/skeletons";

export default function UsageLoading() {
  return (
    <div>
      <PageHeaderSkeleton />
      <KpiCardsSkeleton />
      <div className="mt-6">
        <TableSkeleton rows={10} columns={8} />
      </div>
    </div>
  );
}
