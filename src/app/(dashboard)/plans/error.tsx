"use client";
import { ErrorState } from "@/components/error-state";

export default function PlansError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorState what="plans" error={error} retry={retry} />;
}
