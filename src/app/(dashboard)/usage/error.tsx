"use client";
import { ErrorState } from "@/components/error-state";

export default function UsageError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorState what="usage" error={error} retry={retry} />;
}
