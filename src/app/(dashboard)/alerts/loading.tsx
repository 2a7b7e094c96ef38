import { PageHeaderSkeleton, TableSkeleton } from "@/components/skeletons";

export default function AlertsLoading() {
  return (
    <div>
      <PageHeaderSkeleton />
      <TableSkeleton rows={4} columns={6} />
    </div>
  );
}
