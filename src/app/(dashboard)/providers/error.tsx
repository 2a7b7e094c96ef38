"use client";
import { ErrorState } from "@/components/error-state";

export default function ProvidersError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorState what="model prices" error={error} retry={retry} />;
}
