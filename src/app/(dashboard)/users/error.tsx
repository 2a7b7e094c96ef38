"use client";
import { ErrorState } from "@/components/error-state";

export default function UsersError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorState what="users" error={error} retry={retry} />;
}
