import Link from "next/link";
import { EmptyState } from "@/components/empty-state";

export default function ClientNotFound() {
  return (
    <div>
      <h1 className="mb-6 text-2xl font-semibold tracking-tight text-gray-900">Client not found</h1>
      <EmptyState
        title="No client has this id"
        action={
          <Link href="/clients" className="font-medium text-blue-600 hover:underline">
            Back to clients
          </Link>
        }
      >
        It may have been deleted, or the link is wrong.
      </EmptyState>
    </div>
  );
}
