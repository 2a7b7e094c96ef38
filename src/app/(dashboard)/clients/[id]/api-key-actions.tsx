"use client";
// Issue and revoke a client's API keys. The plaintext of a new key is shown once, here.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/trpc/react";

const BUTTON = "rounded-md px-3 py-1.5 text-sm font-medium disabled:opacity-60";

export function IssueApiKeyButton({ clientId }: { clientId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [issued, setIssued] = useState<{ key: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const issue = useMutation(
    trpc.clients.issueApiKey.mutationOptions({
      onSuccess: (result) => {
        setIssued(result);
        router.refresh();
      },
    }),
  );
  const fieldErrors = issue.error?.data?.zodError?.fieldErrors as Record<string, string[] | undefined> | undefined;

  function close() {
    setOpen(false);
    setIssued(null);
    setCopied(false);
    issue.reset();
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    issue.mutate({
      clientId,
      name: String(form.get("name") ?? ""),
      kind: form.get("kind") === "publishable" ? "publishable" : "secret",
    });
  }

  return (
    <>
      <button type="button" className={`${BUTTON} bg-blue-600 text-white hover:bg-blue-700`} onClick={() => setOpen(true)}>
        New API key
      </button>
      {open ? (
        <div role="dialog" aria-modal="true" aria-labelledby="issue-key-title" className="fixed inset-0 z-50 flex items-center justify-center bg-black/30 p-4">
          <div className="w-full max-w-md rounded-lg bg-white p-6 shadow-lg">
            <h2 id="issue-key-title" className="text-lg font-semibold">
              {issued ? "Copy the key now" : "New API key"}
            </h2>
            {issued ? (
              <div className="mt-4 space-y-3">
                <p className="text-sm text-gray-600">This is the only time the key is shown. Store it somewhere safe.</p>
                <code data-testid="issued-key" className="block break-all rounded bg-gray-100 p-3 font-mono text-sm">
                  {issued.key}
                </code>
                <div className="flex justify-end gap-2">
                  <button
                    type="button"
                    className={`${BUTTON} border border-gray-300 hover:bg-gray-50`}
                    onClick={() => void navigator.clipboard?.writeText(issued.key).then(() => setCopied(true))}
                  >
                    {copied ? "Copied" : "Copy"}
                  </button>
                  <button type="button" className={`${BUTTON} bg-blue-600 text-white hover:bg-blue-700`} onClick={close}>
                    Done
                  </button>
                </div>
              </div>
            ) : (
              <form onSubmit={onSubmit} className="mt-4 space-y-4">
                <label className="block text-sm">
                  <span className="font-medium text-gray-700">Name</span>
                  <input name="name" required maxLength={80} placeholder="e.g. Production widget" className="mt-1 block w-full rounded-md border border-gray-300 px-3 py-2 text-sm" />
                  {fieldErrors?.name ? <span className="mt-1 block text-xs text-red-600">{fieldErrors.name.join(", ")}</span> : null}
                </label>
                <fieldset className="text-sm">
                  <legend className="font-medium text-gray-700">Kind</legend>
                  <label className="mt-2 flex items-start gap-2">
                    <input type="radio" name="kind" value="publishable" defaultChecked />
                    <span>
                      Publishable (<code>pk_</code>): for the widget in a web page; works only from the client&apos;s allowed origins.
                    </span>
                  </label>
                  <label className="mt-2 flex items-start gap-2">
                    <input type="radio" name="kind" value="secret" />
                    <span>
                      Secret (<code>sk_</code>): for the client&apos;s servers; never put it in a web page.
                    </span>
                  </label>
                </fieldset>
                {issue.error && !fieldErrors ? (
                  <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
                    {issue.error.message}
                  </p>
                ) : null}
                <div className="flex justify-end gap-2">
                  <button type="button" className={`${BUTTON} border border-gray-300 hover:bg-gray-50`} onClick={close}>
                    Cancel
                  </button>
                  <button type="submit" disabled={issue.isPending} className={`${BUTTON} bg-blue-600 text-white hover:bg-blue-700`}>
                    {issue.isPending ? "Creating…" : "Create key"}
                  </button>
                </div>
              </form>
            )}
          </div>
        </div>
      ) : null}
    </>
  );
}

export function RevokeApiKeyButton({ clientId, apiKeyId, prefix }: { clientId: string; apiKeyId: string; prefix: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const revoke = useMutation(trpc.clients.revokeApiKey.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        disabled={revoke.isPending}
        className={`${BUTTON} border border-red-200 text-red-700 hover:bg-red-50`}
        onClick={() => {
          if (window.confirm(`Revoke the key ${prefix}…? Requests using it will fail at once. This cannot be undone.`)) {
            revoke.mutate({ clientId, apiKeyId });
          }
        }}
      >
        {revoke.isPending ? "Revoking…" : "Revoke"}
      </button>
      {revoke.error ? <span role="alert" className="text-xs text-red-600">{revoke.error.message}</span> : null}
    </span>
  );
}
