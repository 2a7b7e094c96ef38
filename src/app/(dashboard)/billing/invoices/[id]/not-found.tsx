import Link from "next/link";
import { EmptyState } from "@/components/empty-state";

export default function InvoiceNotFound() {
  return (
    <div>
      <h1 className="mb-6 text-2xl font-semibold tracking-tight text-gray-900">Invoice not found</h1>
      <EmptyState
        title="No invoice has this id"
        action={
          <Link href="/billing" className="font-medium text-blue-600 hover:underline">
            Back to billing
          </Link>
        }
      >
        The link may be wrong or cut short.
      </EmptyState>
    </div>
  );
}
