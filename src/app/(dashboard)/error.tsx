"use client";
import { ErrorState } from "@/components/error-state";

export default function OverviewError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorState what="this page" error={error} retry={retry} />;
}
