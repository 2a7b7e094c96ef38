import { ChartSkeleton, KpiCardsSkeleton, PageHeaderSkeleton, TableSkeleton } from "@/components/skeletons";

export default function BillingLoading() {
  return (
    <div>
      <PageHeaderSkeleton />
      <KpiCardsSkeleton />
      <div className="mt-6 grid grid-cols-1 gap-4 xl:grid-cols-3">
        <ChartSkeleton className="xl:col-span-2" />
        <ChartSkeleton />
      </div>
      <div className="mt-6 grid grid-cols-1 gap-4 xl:grid-cols-3">
        <TableSkeleton rows={4} columns={2} />
        <div className="xl:col-span-2">
          <TableSkeleton rows={4} columns={4} />
        </div>
      </div>
      <div className="mt-10">
        <TableSkeleton rows={10} columns={8} />
      </div>
    </div>
  );
}
