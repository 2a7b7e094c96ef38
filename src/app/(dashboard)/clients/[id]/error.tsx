"use client";
import { ErrorState } from "@/components/error-state";

export default function ClientError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorState what="this client" error={error} retry={retry} />;
}
