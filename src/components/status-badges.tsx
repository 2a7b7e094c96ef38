// Badges for the states the dashboard shows everywhere; one colour per state.
import { Badge } from "@tremor/react";

type TColor = "emerald" | "amber" | "gray" | "red" | "blue" | "indigo" | "violet" | "sky";

const CLIENT_STATUS_COLOR: Record<string, TColor> = { active: "emerald", suspended: "amber", cancelled: "gray" };

export function ClientStatusBadge({ status }: { status: string }) {
  return (
    <Badge color={CLIENT_STATUS_COLOR[status] ?? "gray"} size="xs" data-testid="client-status">
      {status}
    </Badge>
  );
}

const INVOICE_STATUS_COLOR: Record<string, TColor> = {
  pending: "blue",
  paid: "emerald",
  overdue: "red",
  cancelled: "gray",
  refunded: "violet",
  partially_refunded: "violet",
};

export function InvoiceStatusBadge({ status }: { status: string }) {
  return (
    <Badge color={INVOICE_STATUS_COLOR[status] ?? "gray"} size="xs" data-testid="invoice-status">
      {status.replace(/_/g, " ")}
    </Badge>
  );
}

const PLAN_COLOR: Record<string, TColor> = { free: "gray", starter: "sky", pro: "indigo", enterprise: "violet" };

export function PlanBadge({ planKey, name }: { planKey: string; name: string }) {
  return (
    <Badge color={PLAN_COLOR[planKey] ?? "blue"} size="xs" data-testid="client-plan">
      {name}
    </Badge>
  );
}

export function ModelPriceStateBadge({ state }: { state: "current" | "scheduled" | "superseded" }) {
  const color: TColor = state === "current" ? "emerald" : state === "scheduled" ? "blue" : "gray";
  return (
    <Badge color={color} size="xs">
      {state}
    </Badge>
  );
}
