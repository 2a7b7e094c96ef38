import { PageHeaderSkeleton, TableSkeleton } from "@/components/skeletons";

export default function BillingLoading() {
  return (
    <div>
      <PageHeaderSkeleton />
      <TableSkeleton rows={10} columns={8} />
    </div>
  );
}
