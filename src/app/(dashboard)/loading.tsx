import { ChartSkeleton, KpiCardsSkeleton, PageHeaderSkeleton, TableSkeleton } from "@/components/skeletons";

export default function OverviewLoading() {
  return (
    <div>
      <PageHeaderSkeleton />
      <KpiCardsSkeleton />
      <div className="mt-6 grid grid-cols-1 gap-4 xl:grid-cols-2">
        <ChartSkeleton />
        <ChartSkeleton />
      </div>
      <div className="mt-6">
        <TableSkeleton rows={5} columns={4} />
      </div>
    </div>
  );
}
