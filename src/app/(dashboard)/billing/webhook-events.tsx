// Provider webhooks as stored: the latest, or only those waiting (?webhooks=failed).
// A failed event is kept with its error; the provider retries it, and an admin can
// reprocess it here once its cause is fixed. An unmatched event (it names an invoice,
// charge or refund we do not have) was acknowledged, so nobody retries it: an admin
// reprocesses it once the object exists, or dismisses it.
import Link from "next/link";
import { Badge, Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow, Text, Title } from "@tremor/react";
import { formatDateTime } from "@/components/display-format";
import { EmptyState } from "@/components/empty-state";
import type { TListWebhookEventsOutput } from "@/server/payments/webhook-events";
import { BILLING_LINK } from "@/components/action-styles";
import { DismissWebhookButton } from "./dismiss-webhook-button";
import { ReprocessWebhookButton } from "./reprocess-webhook-button";

type TWebhookEventRow = TListWebhookEventsOutput["items"][number];

const attemptsText = (attempts: number) => `${attempts} ${attempts === 1 ? "attempt" : "attempts"}`;

function WebhookEventState({ event }: { event: TWebhookEventRow }) {
  switch (event.state) {
    case "applied":
      return (
        <Badge color="emerald" size="xs">
          applied
        </Badge>
      );
    case "unmatched":
      return (
        <div data-testid="webhook-unmatched">
          <Badge color="amber" size="xs">
            Unmatched · {attemptsText(event.attempts)}
          </Badge>
          <div className="mt-1 max-w-md break-words text-xs text-amber-800">
            {event.unmatchedReason}
            {event.unmatchedAt ? <span className="text-gray-500"> · {formatDateTime(event.unmatchedAt)}</span> : null}
          </div>
        </div>
      );
    case "dismissed":
      return (
        <div>
          <Badge color="gray" size="xs">
            dismissed
          </Badge>
          {event.unmatchedReason ? <div className="mt-1 max-w-md break-words text-xs text-gray-500">{event.unmatchedReason}</div> : null}
        </div>
      );
    case "not_applied":
      return (
        <div>
          <Badge color="red" size="xs">
            not applied · {attemptsText(event.attempts)}
          </Badge>
          {event.lastError ? <div className="mt-1 max-w-md break-words text-xs text-red-700">{event.lastError}</div> : null}
        </div>
      );
  }
}

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
            {failedOnly ? "Events waiting (not applied, not dismissed), newest first." : "The latest events from payment providers, newest first."}{" "}
            {events.unprocessedTotal === 0 && !failedOnly ? "Every event received has been applied or dismissed." : null}
          </Text>
        </div>
        <div className="flex items-center gap-3 text-sm">
          {events.unprocessedTotal > 0 ? (
            <Badge color="red" data-testid="webhooks-unprocessed">
              {events.unprocessedTotal} not applied
            </Badge>
          ) : null}
          {events.unmatchedTotal > 0 ? (
            <Badge color="amber" data-testid="webhooks-unmatched">
              {events.unmatchedTotal} unmatched
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
            {failedOnly ? "Every event received has been applied or dismissed." : "Stripe sends them to POST /api/billing/webhook/stripe once configured."}
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
                  <WebhookEventState event={event} />
                </TableCell>
                <TableCell className="text-right">
                  {canAct && (event.state === "not_applied" || event.state === "unmatched") ? (
                    <div className="flex justify-end gap-2">
                      <ReprocessWebhookButton id={event.id} eventId={event.eventId} />
                      {event.state === "unmatched" ? <DismissWebhookButton id={event.id} eventId={event.eventId} /> : null}
                    </div>
                  ) : null}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Card>
  );
}
