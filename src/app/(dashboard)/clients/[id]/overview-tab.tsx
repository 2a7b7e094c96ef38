import type { ReactNode } from "react";
import { Badge, Card, Metric, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow, Text, Title } from "@tremor/react";
import type { TClientDetail } from "@/server/clients/get-client";
import type { TPaymentAccount } from "@/server/payments/payment-accounts";
import type { TPaymentProviderStatus } from "@/server/payments/provider-status";
import { formatCount, formatDate, formatDateTime, formatMoney, formatPeriod } from "@/components/display-format";
import { EmptyState } from "@/components/empty-state";
import { ClientStatusBadge } from "@/components/status-badges";
import { IssueApiKeyButton, RevokeApiKeyButton } from "./api-key-actions";
import { EditBillingDetailsButton } from "./billing-details-button";
import { RemovePaymentAccountButton, SetPaymentAccountButton } from "./payment-account-actions";

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="py-2 sm:grid sm:grid-cols-3 sm:gap-4">
      <dt className="text-sm font-medium text-gray-500">{label}</dt>
      <dd className="mt-1 text-sm text-gray-900 sm:col-span-2 sm:mt-0">{children}</dd>
    </div>
  );
}

/** Who a provider charges for this client: one row per provider that can charge. */
function PaymentAccounts({
  client,
  canEdit,
  accounts,
  providers,
}: {
  client: TClientDetail;
  canEdit: boolean;
  accounts: TPaymentAccount[];
  providers: TPaymentProviderStatus[];
}) {
  const chargeable = providers.filter((provider) => provider.canCharge);
  return (
    <Card data-testid="payment-accounts">
      <Title>Payment accounts</Title>
      <Text className="mt-1">Whose card is charged when an invoice is charged through a provider. Bank transfers need none.</Text>
      <dl className="mt-3 divide-y divide-gray-100">
        {chargeable.map((provider) => {
          const account = accounts.find((a) => a.provider === provider.name) ?? null;
          return (
            <div key={provider.name} className="flex flex-wrap items-start justify-between gap-3 py-3" data-testid="payment-account" data-provider={provider.name}>
              <div className="min-w-0 text-sm">
                <dt className="font-medium text-gray-900">{provider.label}</dt>
                <dd className="mt-1 space-y-0.5 text-gray-600">
                  {account ? (
                    <>
                      <div>
                        Customer <span className="font-mono text-xs text-gray-900">{account.customerId}</span>
                      </div>
                      <div data-testid="payment-account-method">
                        {account.paymentMethodId ? (
                          <>
                            {account.paymentMethodLabel ?? "Saved payment method"} <span className="font-mono text-xs">{account.paymentMethodId}</span>
                          </>
                        ) : (
                          "No default payment method: each charge names one."
                        )}
                      </div>
                      <div className="text-xs text-gray-500">
                        Set {formatDateTime(account.updatedAt)}
                        {account.updatedBy ? ` by ${account.updatedBy}` : ""}
                      </div>
                    </>
                  ) : provider.configured ? (
                    <span>Not set: a charge needs a payment method named each time.</span>
                  ) : (
                    <span>
                      {provider.label} is not configured on this deployment (set {provider.missing.join(", ")}).
                    </span>
                  )}
                </dd>
              </div>
              {canEdit && provider.configured ? (
                <div className="flex gap-2">
                  <SetPaymentAccountButton clientId={client.id} clientName={client.name} provider={provider} account={account} />
                  {account ? <RemovePaymentAccountButton clientId={client.id} clientName={client.name} provider={provider} /> : null}
                </div>
              ) : null}
            </div>
          );
        })}
      </dl>
    </Card>
  );
}

export function OverviewTab({
  client,
  canEdit,
  paymentAccounts,
  paymentProviders,
}: {
  client: TClientDetail;
  canEdit: boolean;
  paymentAccounts: TPaymentAccount[];
  paymentProviders: TPaymentProviderStatus[];
}) {
  return (
    <div className="space-y-6" data-testid="client-overview">
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-3">
        <Card data-testid="client-conversations">
          <Text>Conversations</Text>
          <Metric>{formatCount(client.conversationCount)}</Metric>
          <Text className="mt-1">All time</Text>
        </Card>
        <Card>
          <Text>Messages in {formatPeriod(client.period)}</Text>
          <Metric>{formatCount(client.currentUsage.messages ?? "0")}</Metric>
        </Card>
        <Card>
          <Text>Cost in {formatPeriod(client.period)}</Text>
          <Metric>{formatMoney(client.currentUsage.costUsd ?? "0", "USD", 2)}</Metric>
          <Text className="mt-1">Provider cost, USD</Text>
        </Card>
      </div>

      <Card>
        <div className="flex items-center justify-between">
          <Title>Details</Title>
          {canEdit ? <EditBillingDetailsButton clientId={client.id} clientName={client.name} details={client} /> : null}
        </div>
        <dl className="mt-3 divide-y divide-gray-100">
          <Detail label="Slug">{client.slug}</Detail>
          <Detail label="Billing email">{client.billingEmail}</Detail>
          <Detail label="Billing address">
            {client.billingAddress ? (
              <span className="whitespace-pre-line" data-testid="client-billing-address">
                {client.billingAddress}
              </span>
            ) : (
              <span className="text-gray-500">Not set — invoices show the name and email only</span>
            )}
          </Detail>
          <Detail label="Tax ID">{client.taxId ?? <span className="text-gray-500">Not set</span>}</Detail>
          <Detail label="Status">
            <ClientStatusBadge status={client.status} />
          </Detail>
          <Detail label="Currency">{client.currency}</Detail>
          <Detail label="Allowed origins">
            {client.allowedOrigins.length === 0 ? (
              <span className="text-gray-500">None — publishable keys work from no website</span>
            ) : (
              <ul className="space-y-0.5">
                {client.allowedOrigins.map((origin) => (
                  <li key={origin} className="font-mono text-xs">
                    {origin}
                  </li>
                ))}
              </ul>
            )}
          </Detail>
          <Detail label="Alert webhook">{client.alertWebhookUrl ?? <span className="text-gray-500">Not set</span>}</Detail>
          <Detail label="Created">{formatDateTime(client.createdAt)}</Detail>
        </dl>
      </Card>

      <PaymentAccounts client={client} canEdit={canEdit} accounts={paymentAccounts} providers={paymentProviders} />

      <Card>
        <div className="flex items-center justify-between">
          <Title>API keys</Title>
          {canEdit ? <IssueApiKeyButton clientId={client.id} /> : null}
        </div>
        {client.apiKeys.length === 0 ? (
          <div className="mt-4">
            <EmptyState title="No API keys">The client cannot call the chat API until a key is issued.</EmptyState>
          </div>
        ) : (
          <Table className="mt-4" data-testid="api-keys">
            <TableHead>
              <TableRow>
                <TableHeaderCell>Prefix</TableHeaderCell>
                <TableHeaderCell>Kind</TableHeaderCell>
                <TableHeaderCell>Name</TableHeaderCell>
                <TableHeaderCell>Created</TableHeaderCell>
                <TableHeaderCell>Last used</TableHeaderCell>
                <TableHeaderCell>Revoked</TableHeaderCell>
                {canEdit ? <TableHeaderCell><span className="sr-only">Actions</span></TableHeaderCell> : null}
              </TableRow>
            </TableHead>
            <TableBody>
              {client.apiKeys.map((key) => (
                <TableRow key={key.id} data-testid="api-key-row">
                  <TableCell className="font-mono text-xs">{key.prefix}…</TableCell>
                  <TableCell>
                    <Badge size="xs" color={key.kind === "secret" ? "amber" : "sky"}>
                      {key.kind}
                    </Badge>
                  </TableCell>
                  <TableCell>{key.name}</TableCell>
                  <TableCell>{formatDate(key.createdAt)}</TableCell>
                  <TableCell>{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : <span className="text-gray-400">Never</span>}</TableCell>
                  <TableCell>
                    {key.revokedAt ? (
                      <Badge size="xs" color="red">
                        Revoked {formatDate(key.revokedAt)}
                      </Badge>
                    ) : (
                      <span className="text-gray-400">—</span>
                    )}
                  </TableCell>
                  {canEdit ? (
                    <TableCell className="text-right">
                      {key.revokedAt ? null : <RevokeApiKeyButton clientId={client.id} apiKeyId={key.id} prefix={key.prefix} />}
                    </TableCell>
                  ) : null}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Card>
    </div>
  );
}
