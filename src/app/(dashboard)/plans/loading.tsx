import { KpiCardsSkeleton, PageHeaderSkeleton, TableSkeleton } from "@/components/skeletons";

export default function PlansLoading() {
  return (
    <div>
      <PageHeaderSkeleton />
      <KpiCardsSkeleton />
      <div className="mt-6">
        <TableSkeleton rows={7} columns={5} />
      </div>
    </div>
  );
}
