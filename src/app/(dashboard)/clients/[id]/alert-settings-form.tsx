"use client";
// An admin sets who hears about the client's alerts: emails (one per line), the daily
// summary opt-in, the webhook endpoint (its signing secret is shown once, right after the
// save), and sends a test.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { FieldError, ServerError } from "@/components/action-dialog";
import { useTRPC } from "@/trpc/react";
import { BILLING_INPUT, BILLING_PRIMARY_BUTTON, BILLING_SECONDARY_BUTTON } from "@/components/action-styles";
import type { TAlertSettingsView } from "../../alerts/alert-types";

const WIDE_INPUT = `${BILLING_INPUT} mt-1 block w-full`;

function fieldErrorsOf(error: { data?: { zodError?: { fieldErrors?: Record<string, string[] | undefined> } | null } | null } | null): Record<string, string[] | undefined> {
  return error?.data?.zodError?.fieldErrors ?? {};
}

export function AlertSettingsForm({ clientId, settings }: { clientId: string; settings: TAlertSettingsView }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [emails, setEmails] = useState(settings.alertEmails.join("\n"));
  const [daily, setDaily] = useState(settings.dailyUsageSummary);
  const [webhookUrl, setWebhookUrl] = useState(settings.webhookUrl ?? "");
  const [secret, setSecret] = useState<string | null>(null);

  const saveSettings = useMutation(trpc.alerts.updateSettings.mutationOptions({ onSuccess: () => router.refresh() }));
  const saveWebhook = useMutation(
    trpc.alerts.setWebhook.mutationOptions({
      onSuccess: (result) => {
        setSecret(result.secret);
        router.refresh();
      },
    }),
  );
  const sendTest = useMutation(trpc.alerts.sendTest.mutationOptions({ onSuccess: () => router.refresh() }));

  const settingsErrors = fieldErrorsOf(saveSettings.error);
  const webhookErrors = fieldErrorsOf(saveWebhook.error);

  function onSaveSettings(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const alertEmails = emails.split(/[\n,;]+/).map((e) => e.trim()).filter(Boolean);
    saveSettings.mutate({ clientId, alertEmails, dailyUsageSummary: daily });
  }

  function onSaveWebhook(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSecret(null);
    saveWebhook.mutate({ clientId, url: webhookUrl.trim() || null });
  }

  return (
    <div className="mt-4 grid gap-8 lg:grid-cols-2">
      <form onSubmit={onSaveSettings} noValidate className="space-y-4" data-testid="alert-emails-form">
        <label className="block text-sm">
          <span className="font-medium text-gray-700">Alert emails</span>
          <textarea
            rows={4}
            value={emails}
            onChange={(event) => setEmails(event.target.value)}
            placeholder={"ops@example.com\ncto@example.com"}
            className={WIDE_INPUT}
            aria-describedby="alert-emails-help"
          />
          <span id="alert-emails-help" className="mt-1 block text-xs text-gray-500">
            One address per line, at most 10. Each gets threshold and resolution emails.
          </span>
          <FieldError message={settingsErrors.alertEmails?.join(", ")} />
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={daily} onChange={(event) => setDaily(event.target.checked)} />
          <span className="text-gray-700">Send a daily usage summary to these addresses</span>
        </label>
        <ServerError message={saveSettings.error && Object.keys(settingsErrors).length === 0 ? saveSettings.error.message : null} />
        <div className="flex items-center gap-3">
          <button type="submit" className={BILLING_PRIMARY_BUTTON} disabled={saveSettings.isPending}>
            {saveSettings.isPending ? "Saving…" : "Save emails"}
          </button>
          {saveSettings.isSuccess && !saveSettings.isPending ? (
            <span role="status" className="text-sm text-emerald-700">
              Saved.
            </span>
          ) : null}
        </div>
      </form>

      <form onSubmit={onSaveWebhook} noValidate className="space-y-4" data-testid="alert-webhook-form">
        <label className="block text-sm">
          <span className="font-medium text-gray-700">Webhook URL</span>
          <input
            type="url"
            value={webhookUrl}
            onChange={(event) => setWebhookUrl(event.target.value)}
            placeholder="https://example.com/hooks/meterline"
            maxLength={2048}
            className={WIDE_INPUT}
          />
          <span className="mt-1 block text-xs text-gray-500">
            Signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature). Saving issues a new signing secret; leave empty and save to remove the endpoint.
          </span>
          <FieldError message={webhookErrors.url?.join(", ")} />
        </label>
        <ServerError message={saveWebhook.error && Object.keys(webhookErrors).length === 0 ? saveWebhook.error.message : null} />
        {secret ? (
          <div role="status" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="webhook-secret-box">
            <p className="font-medium text-amber-900">Signing secret: copy it now, it will not be shown again.</p>
            <code className="mt-2 block break-all rounded bg-white px-2 py-1 font-mono text-xs text-gray-900" data-testid="webhook-secret">
              {secret}
            </code>
          </div>
        ) : null}
        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" className={BILLING_PRIMARY_BUTTON} disabled={saveWebhook.isPending}>
            {saveWebhook.isPending ? "Saving…" : "Save webhook"}
          </button>
          <button type="button" className={BILLING_SECONDARY_BUTTON} disabled={sendTest.isPending} onClick={() => sendTest.mutate({ clientId })}>
            {sendTest.isPending ? "Queuing…" : "Send a test"}
          </button>
          {sendTest.data ? (
            <span role="status" className="text-sm text-emerald-700" data-testid="test-queued">
              {sendTest.data.queued} test message(s) queued.
            </span>
          ) : null}
        </div>
        <ServerError message={sendTest.error?.message} />
      </form>
    </div>
  );
}
