"use client";
import { ErrorState } from "@/components/error-state";

export default function InvoiceError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorState what="the invoice" error={error} retry={retry} />;
}
