"use client";
import { ErrorState } from "@/components/error-state";

export default function AlertsError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorState what="alerts" error={error} retry={retry} />;
}
