import { PageHeaderSkeleton, TableSkeleton } from "@/components/skeletons";

export default function EditPlanLoading() {
  return (
    <div>
      <PageHeaderSkeleton />
      <TableSkeleton rows={8} columns={3} />
    </div>
  );
}
