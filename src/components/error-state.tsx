"use client";
// The body of every error.tsx: what failed, in words, and a way to try again.
import { useEffect, useTransition } from "react";

type TErrorStateProps = {
  /** What the page was loading, e.g. "the clients list". */
  what: string;
  error: unknown;
  retry: () => void;
};

// In production Next replaces server errors with this sentence; it tells an admin nothing.
const REDACTED = /An error occurred in the Server Components render/i;

function describe(error: unknown): { message: string | null; digest: string | null } {
  if (!(error instanceof Error)) return { message: typeof error === "string" ? error : null, digest: null };
  const digest = "digest" in error && typeof error.digest === "string" ? error.digest : null;
  return { message: REDACTED.test(error.message) ? null : error.message, digest };
}

export function ErrorState({ what, error, retry }: TErrorStateProps) {
  const [pending, startTransition] = useTransition();
  useEffect(() => {
    console.error(error);
  }, [error]);
  const { message, digest } = describe(error);
  return (
    <div role="alert" data-testid="error-state" className="rounded-lg border border-red-200 bg-red-50 p-6">
      <h2 className="text-base font-semibold text-red-800">Could not load {what}</h2>
      <p className="mt-1 text-sm text-red-700">
        {message ?? "The server could not answer this request. The database may be busy or unreachable."}
      </p>
      {digest ? <p className="mt-1 text-xs text-red-600">Reference: {digest} (search the server log for it)</p> : null}
      <button
        type="button"
        disabled={pending}
        onClick={() => startTransition(() => retry())}
        className="mt-4 rounded-md bg-red-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-700 disabled:opacity-60"
      >
        {pending ? "Retrying…" : "Try again"}
      </button>
    </div>
  );
}
