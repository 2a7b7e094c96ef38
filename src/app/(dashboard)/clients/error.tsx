"use client";
import { ErrorState } from "@/components/error-state";

export default function ClientsError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorState what="the clients list" error={error} retry={retry} />;
}
