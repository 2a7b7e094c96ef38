import { ChartSkeleton, KpiCardsSkeleton, PageHeaderSkeleton, TableSkeleton } from "@/components/skeletons";

export default function UsageLoading() {
  return (
    <div>
      <PageHeaderSkeleton />
      <KpiCardsSkeleton />
      <div className="mt-6 grid grid-cols-1 gap-4 xl:grid-cols-3">
        <ChartSkeleton className="xl:col-span-2" />
        <TableSkeleton rows={5} columns={3} />
      </div>
      <div className="mt-6">
        <TableSkeleton rows={10} columns={7} />
      </div>
    </div>
  );
}
