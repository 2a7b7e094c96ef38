// Provider webhooks as stored: the latest, or only those not applied (?webhooks=failed).
// A failed event is kept with its error; the provider retries it, and an admin can
// reprocess it here once its cause is fixed.
import Link from "next/link";
import { Badge, Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow, Text, Title } from "@tremor/react";
import { formatDateTime } from "@/components/display-format";
import { EmptyState } from "@/components/empty-state";
import type { TListWebhookEventsOutput } from "@/server/payments/webhook-events";
import { BILLING_LINK } from "./billing-action-styles";
import { ReprocessWebhookButton } from "./reprocess-webhook-button";

export function WebhookEvents({
  events,
  failedOnly,
  canAct,
  toggleHref,
}: {
  events: TListWebhookEventsOutput;
  failedOnly: boolean;
  canAct: boolean;
  /** The page's URL with the filter switched. */
  toggleHref: string;
}) {
  return (
    <Card className="p-0" data-testid="webhook-events">
      <div className="flex flex-wrap items-start justify-between gap-2 px-6 pt-5">
        <div>
          <Title>Provider webhooks</Title>
          <Text>
            {failedOnly ? "Events not applied yet, newest first." : "The latest events from payment providers, newest first."}{" "}
            {events.unprocessedTotal === 0 && !failedOnly ? "Every event received has been applied." : null}
          </Text>
        </div>
        <div className="flex items-center gap-3 text-sm">
          {events.unprocessedTotal > 0 ? (
            <Badge color="red" data-testid="webhooks-unprocessed">
              {events.unprocessedTotal} not applied
            </Badge>
          ) : null}
          <Link href={toggleHref} scroll={false} className={BILLING_LINK}>
            {failedOnly ? "Show all" : "Show not applied"}
          </Link>
        </div>
      </div>
      {events.items.length === 0 ? (
        <div className="p-6">
          <EmptyState title={failedOnly ? "No event waiting" : "No webhook received yet"}>
            {failedOnly ? "Every event received has been applied." : "Stripe sends them to POST /api/billing/webhook/stripe once configured."}
          </EmptyState>
        </div>
      ) : (
        <Table className="mt-2">
          <TableHead>
            <TableRow>
              <TableHeaderCell>Received</TableHeaderCell>
              <TableHeaderCell>Event</TableHeaderCell>
              <TableHeaderCell>State</TableHeaderCell>
              <TableHeaderCell className="text-right">{canAct ? "Action" : ""}</TableHeaderCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {events.items.map((event) => (
              <TableRow key={event.id} data-testid="webhook-row">
                <TableCell className="whitespace-nowrap text-xs text-gray-600">{formatDateTime(event.receivedAt)}</TableCell>
                <TableCell className="whitespace-normal">
                  <div className="text-gray-900">{event.type}</div>
                  <div className="font-mono text-xs text-gray-500">
                    {event.provider} · {event.eventId}
                  </div>
                </TableCell>
                <TableCell className="whitespace-normal">
                  {event.processedAt ? (
                    <Badge color="emerald" size="xs">
                      applied
                    </Badge>
                  ) : (
                    <div>
                      <Badge color="red" size="xs">
                        not applied · {event.attempts} {event.attempts === 1 ? "attempt" : "attempts"}
                      </Badge>
                      {event.lastError ? <div className="mt-1 max-w-md break-words text-xs text-red-700">{event.lastError}</div> : null}
                    </div>
                  )}
                </TableCell>
                <TableCell className="text-right">
                  {canAct && !event.processedAt ? <ReprocessWebhookButton id={event.id} eventId={event.eventId} /> : null}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Card>
  );
}
