import { PageHeaderSkeleton, TableSkeleton } from "@/components/skeletons";

export default function ProvidersLoading() {
  return (
    <div>
      <PageHeaderSkeleton />
      <TableSkeleton rows={8} columns={7} />
    </div>
  );
}
