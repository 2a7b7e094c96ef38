import Link from "next/link";
import { Card, Text, Title } from "@tremor/react";
import { formatDateTime } from "@/components/display-format";
import type { TClientDetail } from "@/server/clients/get-client";
import { api } from "@/trpc/server";
import { OutboxTable, UsageAlertsTable } from "../../alerts/alert-tables";
import { AlertSettingsForm } from "./alert-settings-form";

export async function AlertsTab({ client, canEdit }: { client: TClientDetail; canEdit: boolean }) {
  const [settings, alerts, outbox] = await Promise.all([
    api.alerts.settings({ clientId: client.id }),
    api.alerts.list({ clientId: client.id, pageSize: 10 }),
    api.alerts.outbox({ clientId: client.id, pageSize: 10 }),
  ]);
  return (
    <div className="space-y-6" data-testid="client-alerts">
      <Card>
        <Title>Alert settings</Title>
        <Text>Who hears when {client.name} crosses a threshold of a plan limit, and when the alert is resolved.</Text>
        {settings.webhookDisabledAt ? (
          <p role="status" className="mt-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="webhook-disabled">
            The webhook endpoint answered 410 Gone on {formatDateTime(settings.webhookDisabledAt)} and is disabled. Save its URL again to re-enable it (a new secret is issued).
          </p>
        ) : null}
        {canEdit ? (
          <AlertSettingsForm clientId={client.id} settings={settings} />
        ) : (
          <dl className="mt-4 grid grid-cols-1 gap-2 text-sm sm:grid-cols-[12rem_1fr]" data-testid="alert-settings-readonly">
            <dt className="text-gray-500">Alert emails</dt>
            <dd>{settings.alertEmails.length ? settings.alertEmails.join(", ") : "none"}</dd>
            <dt className="text-gray-500">Webhook URL</dt>
            <dd className="break-all font-mono text-xs">{settings.webhookUrl ?? "none"}</dd>
            <dt className="text-gray-500">Daily usage summary</dt>
            <dd>{settings.dailyUsageSummary ? "on" : "off"}</dd>
          </dl>
        )}
      </Card>
      <Card>
        <Title>Alerts</Title>
        <div className="mt-3">
          <UsageAlertsTable alerts={alerts.items} showClient={false} />
        </div>
      </Card>
      <Card>
        <div className="flex items-baseline justify-between">
          <Title>Recent messages</Title>
          <Link href="/alerts" className="text-sm font-medium text-blue-600 hover:underline">
            All messages
          </Link>
        </div>
        <div className="mt-3">
          <OutboxTable items={outbox.items} canEdit={canEdit} showClient={false} emptyText="No alert messages for this client yet." />
        </div>
      </Card>
    </div>
  );
}
