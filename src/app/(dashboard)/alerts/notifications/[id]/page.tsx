import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge, Card, Text, Title } from "@tremor/react";
import { TRPCError } from "@trpc/server";
import { formatDateTime } from "@/components/display-format";
import { getSession } from "@/server/auth/auth-options";
import { api } from "@/trpc/server";
import { ResendNotificationButton } from "../../resend-notification-button";

export const metadata = { title: "Message" };

const STATUS_COLOR = { pending: "blue", sent: "emerald", failed: "red" } as const;

export default async function NotificationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const [session, message] = await Promise.all([
    getSession(),
    api.alerts.notification({ id }).catch((error: unknown) => {
      if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) return null;
      throw error;
    }),
  ]);
  if (!message) notFound();
  const canEdit = session?.user.role === "admin";
  const rows: Array<[string, React.ReactNode]> = [
    ["Client", <Link key="c" href={`/clients/${message.clientId}?tab=alerts`} className="font-medium text-blue-600 hover:underline">{message.clientName}</Link>],
    ["Event", <code key="k">{message.kind}</code>],
    ["Channel", message.channel],
    ["To", <span key="r" className="break-all font-mono text-xs">{message.recipient}</span>],
    ["Queued", formatDateTime(message.createdAt)],
    ["Attempts", String(message.attempts)],
    ["Sent", message.sentAt ? `${formatDateTime(message.sentAt)} (${message.deliveredVia === "stored" ? "stored: no email API key" : `via ${message.deliveredVia}`})` : "—"],
    ...(message.responseStatus ? [["Last HTTP status", String(message.responseStatus)] as [string, React.ReactNode]] : []),
    ...(message.lastError ? [["Last error", <span key="e" className="text-red-700">{message.lastError}</span>] as [string, React.ReactNode]] : []),
  ];
  return (
    <div>
      <Link href="/alerts" className="text-sm text-gray-500 hover:text-gray-900">
        ← Alerts
      </Link>
      <div className="mb-6 mt-2 flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight text-gray-900">{message.subject ?? message.kind}</h1>
        <Badge color={STATUS_COLOR[message.status]} data-testid="message-status">
          {message.status}
        </Badge>
        {canEdit && message.status === "failed" ? <ResendNotificationButton id={message.id} /> : null}
      </div>
      <Card className="mb-6">
        <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
          {rows.map(([label, value]) => (
            <div key={label} className="contents">
              <dt className="text-gray-500">{label}</dt>
              <dd className="text-gray-900">{value}</dd>
            </div>
          ))}
        </dl>
      </Card>
      {message.email ? (
        <Card>
          <Title>The email</Title>
          <Text className="mb-3">Subject: {message.email.subject}</Text>
          {/* The rendered email, isolated: no scripts, no access to the dashboard. */}
          <iframe title="Email preview" sandbox="" srcDoc={message.email.html} className="h-[32rem] w-full rounded-md border border-gray-200 bg-white" data-testid="email-preview" />
          <details className="mt-4">
            <summary className="cursor-pointer text-sm text-gray-600">Plain-text version</summary>
            <pre className="mt-2 whitespace-pre-wrap rounded-md bg-gray-50 p-3 text-xs text-gray-800" data-testid="email-text">
              {message.email.text}
            </pre>
          </details>
        </Card>
      ) : null}
      {message.webhookBody ? (
        <Card>
          <Title>The webhook body</Title>
          <Text className="mb-3">POSTed as JSON, signed per Standard Webhooks: webhook-id {message.id}, webhook-timestamp, webhook-signature (v1, HMAC-SHA256 with the endpoint&apos;s secret).</Text>
          <pre className="overflow-x-auto rounded-md bg-gray-50 p-3 text-xs text-gray-800" data-testid="webhook-body">
            {message.webhookBody}
          </pre>
        </Card>
      ) : null}
    </div>
  );
}
