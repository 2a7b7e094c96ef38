import Link from "next/link";
import { Card, Text, Title } from "@tremor/react";
import clsx from "clsx";
import { PageHeader } from "@/components/page-header";
import { Pagination, hrefWith } from "@/components/pagination";
import { TabLinks } from "@/components/tab-links";
import { readChoice, readPage, readParam, type TSearchParams } from "@/components/url-params";
import { getSession } from "@/server/auth/auth-options";
import { api } from "@/trpc/server";
import { OutboxTable, UsageAlertsTable } from "./alert-tables";

export const metadata = { title: "Alerts" };

const OUTBOX_PAGE_SIZE = 20;
const ALERTS_PAGE_SIZE = 10;
const STATUSES = ["pending", "sent", "failed"] as const;
const ALERT_STATES = ["open", "resolved"] as const;

export default async function AlertsPage({ searchParams }: { searchParams: Promise<TSearchParams> }) {
  const query = await searchParams;
  const status = readChoice(query, "status", STATUSES);
  const state = readChoice(query, "state", ALERT_STATES);
  const page = readPage(query);
  const alertsPageRaw = readParam(query, "alertsPage", 9);
  const alertsPage = alertsPageRaw && /^\d+$/.test(alertsPageRaw) && Number(alertsPageRaw) >= 1 ? Number(alertsPageRaw) : 1;
  const [session, alerts, outbox] = await Promise.all([
    getSession(),
    api.alerts.list({ page: alertsPage, pageSize: ALERTS_PAGE_SIZE, state: state ?? "all" }),
    api.alerts.outbox({ page, pageSize: OUTBOX_PAGE_SIZE, status }),
  ]);
  const canEdit = session?.user.role === "admin";
  const params = { status, state, alertsPage: alertsPage > 1 ? String(alertsPage) : undefined };
  const alertsHref = (n: number) => hrefWith("/alerts", { status, state, page: page > 1 ? String(page) : undefined, alertsPage: n > 1 ? String(n) : undefined });
  const total = outbox.counts.pending + outbox.counts.sent + outbox.counts.failed;

  return (
    <div>
      <PageHeader
        title="Alerts"
        description="Usage alerts raised when a client crosses a threshold of a plan limit, and the outbox of emails and signed webhooks that tell them. Each client's recipients are set on its Alerts tab."
      />

      <Card className="mb-6">
        <div className="mb-4 flex flex-wrap items-baseline justify-between gap-3">
          <div>
            <Title>Usage alerts</Title>
            <Text>One per client, limit, threshold and period; resolved when a new period starts or a plan change lifts the limit.</Text>
          </div>
          <nav aria-label="Alert state" className="flex gap-2 text-sm">
            {[undefined, ...ALERT_STATES].map((choice) => (
              <Link
                key={choice ?? "all"}
                href={hrefWith("/alerts", { status, state: choice, page: page > 1 ? String(page) : undefined })}
                aria-current={choice === state ? "page" : undefined}
                className={clsx("rounded-md px-2 py-1", choice === state ? "bg-blue-50 font-medium text-blue-700" : "text-gray-600 hover:bg-gray-100")}
              >
                {choice ?? "all"}
              </Link>
            ))}
          </nav>
        </div>
        <UsageAlertsTable alerts={alerts.items} />
        {alerts.pageCount > 1 ? (
          <nav aria-label="Alerts pagination" className="mt-3 flex items-center justify-between text-sm text-gray-600">
            <span>
              Page {alerts.page} of {alerts.pageCount} ({alerts.total} alerts)
            </span>
            <span className="flex gap-3">
              {alerts.page > 1 ? <Link href={alertsHref(alerts.page - 1)} className="hover:underline">Previous</Link> : null}
              {alerts.page < alerts.pageCount ? <Link href={alertsHref(alerts.page + 1)} className="hover:underline">Next</Link> : null}
            </span>
          </nav>
        ) : null}
      </Card>

      <Card>
        <Title>Outbox</Title>
        <Text className="mb-4">
          Every email and webhook, newest first. Failed webhooks are retried with backoff for about a day; after that an admin can resend them. Without an email API key (RESEND_API_KEY) emails are stored here instead of sent: open one to read it.
        </Text>
        <TabLinks
          label="Outbox status"
          active={status ?? "all"}
          tabs={[
            { key: "all", label: `All (${total})`, href: hrefWith("/alerts", { state, alertsPage: params.alertsPage }) },
            ...STATUSES.map((s) => ({ key: s, label: `${s[0]!.toUpperCase()}${s.slice(1)} (${outbox.counts[s]})`, href: hrefWith("/alerts", { state, alertsPage: params.alertsPage, status: s }) })),
          ]}
        />
        <OutboxTable
          items={outbox.items}
          canEdit={canEdit}
          emptyText={status ? `No ${status} messages.` : "Nothing has been queued yet: messages appear here when an alert is raised, resolved or tested."}
        />
        <Pagination basePath="/alerts" params={params} page={outbox.page} pageCount={outbox.pageCount} total={outbox.total} pageSize={OUTBOX_PAGE_SIZE} noun="messages" />
      </Card>
    </div>
  );
}
