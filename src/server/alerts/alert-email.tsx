// The alert emails, built with React Email: pure components of the event's data (no I/O),
// rendered to HTML and plain text by renderAlertEmail. The worker renders them when it
// sends; the dashboard renders the same event to show a stored email.
import { Body, Button, Container, Heading, Hr, Html, Preview, Section, Text } from "@react-email/components";
import { render } from "@react-email/render";
import Decimal from "decimal.js";
import { describeLimit, eventSubject, type TAlertData, type TAlertEvent, type TSummaryData } from "./alert-events";

const body = { backgroundColor: "#f6f7f9", fontFamily: "Helvetica, Arial, sans-serif" };
const container = { backgroundColor: "#ffffff", margin: "24px auto", padding: "24px", maxWidth: "560px", borderRadius: "8px" };
const muted = { color: "#6b7280", fontSize: "12px" };

/** Decimal strings shown without float rounding: '1234.5000000000' -> '1,234.5'. */
function formatDecimal(value: string): string {
  const fixed = new Decimal(value).toFixed();
  const [whole, fraction] = fixed.split(".");
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return fraction ? `${grouped}.${fraction}` : grouped;
}

function percentOf(value: string, limit: string): string {
  const l = new Decimal(limit);
  if (l.isZero()) return "—";
  return `${new Decimal(value).div(l).times(100).toDecimalPlaces(0, Decimal.ROUND_DOWN).toString()}%`;
}

function Layout({ preview, children }: { preview: string; children: React.ReactNode }) {
  return (
    <Html lang="en">
      <Preview>{preview}</Preview>
      <Body style={body}>
        <Container style={container}>
          {children}
          <Hr />
          <Text style={muted}>Sent by Meterline usage alerts. Your account manager can change who receives these messages.</Text>
        </Container>
      </Body>
    </Html>
  );
}

export function ThresholdCrossedEmail({ data }: { data: TAlertData }) {
  return (
    <Layout preview={`${data.threshold}% of the ${describeLimit(data.limitKey)} limit reached`}>
      <Heading as="h2">
        {data.clientName} reached {data.threshold}% of its {describeLimit(data.limitKey)} limit
      </Heading>
      <Text>
        In {data.period}, usage of <strong>{data.counter}</strong> is {formatDecimal(data.value)} of {formatDecimal(data.limit)} on the{" "}
        <strong>{data.planKey}</strong> plan ({percentOf(data.value, data.limit)}).
      </Text>
      <Text>
        {data.threshold >= 100
          ? "Further requests that need this limit are refused until the period ends or the plan changes."
          : "At this rate the limit may be reached before the period ends."}
      </Text>
      {data.upgradeUrl ? (
        <Section>
          <Button href={data.upgradeUrl} style={{ backgroundColor: "#2563eb", color: "#ffffff", padding: "10px 16px", borderRadius: "6px" }}>
            Upgrade the plan
          </Button>
        </Section>
      ) : null}
    </Layout>
  );
}

export function AlertResolvedEmail({ data }: { data: TAlertData & { resolvedReason: string } }) {
  const why = data.resolvedReason === "new_period" ? "a new billing period started" : "the plan changed and its limit is no longer exceeded";
  return (
    <Layout preview={`Back under ${data.threshold}% of the ${describeLimit(data.limitKey)} limit`}>
      <Heading as="h2">
        {data.clientName} is back under {data.threshold}% of its {describeLimit(data.limitKey)} limit
      </Heading>
      <Text>
        The alert for {data.period} is resolved: {why}.
      </Text>
    </Layout>
  );
}

export function TestAlertEmail({ clientName, message }: { clientName: string; message: string }) {
  return (
    <Layout preview="A test of your usage alerts">
      <Heading as="h2">Test alert for {clientName}</Heading>
      <Text>{message}</Text>
    </Layout>
  );
}

export function DailySummaryEmail({ data }: { data: TSummaryData }) {
  return (
    <Layout preview={`Usage summary for ${data.date}`}>
      <Heading as="h2">
        {data.clientName}: usage in {data.period} up to {data.date}
      </Heading>
      {data.metrics.length === 0 ? <Text>No usage yet this period.</Text> : null}
      {data.metrics.map((metric) => (
        <Text key={metric.counter}>
          <strong>{metric.counter}</strong>: {formatDecimal(metric.value)}
          {metric.limit ? ` of ${formatDecimal(metric.limit)} (${percentOf(metric.value, metric.limit)})` : ""}
        </Text>
      ))}
    </Layout>
  );
}

function emailElement(event: TAlertEvent) {
  switch (event.type) {
    case "alert.threshold_crossed":
      return <ThresholdCrossedEmail data={event.data} />;
    case "alert.resolved":
      return <AlertResolvedEmail data={event.data} />;
    case "alert.test":
      return <TestAlertEmail clientName={event.data.clientName} message={event.data.message} />;
    case "usage.daily_summary":
      return <DailySummaryEmail data={event.data} />;
  }
}

export type TRenderedEmail = { subject: string; html: string; text: string };

/** The email an event becomes: subject, HTML and plain text. */
export async function renderAlertEmail(event: TAlertEvent): Promise<TRenderedEmail> {
  const element = emailElement(event);
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { subject: eventSubject(event), html, text };
}
