"use client";
import { ErrorState } from "@/components/error-state";

export default function BillingError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorState what="billing" error={error} retry={retry} />;
}
