// What the invoice PDF prints, as text: money with the currency's decimals, quantities, unit
// prices, dates, payment terms, the footer, usage lines' details, and text made drawable by
// the embedded font. Pure functions; the template (invoice-pdf.tsx) lays them out.
import Decimal from "decimal.js";
import { z } from "zod";
import { formatDecimal, formatMinorUnits } from "@/server/money/money";
import type { TInvoiceDetail } from "./get-invoice";

/** Which code points the embedded font can draw. */
export type TGlyphCoverage = (codePoint: number) => boolean;

// ---------------------------------------------------------------------------
// Formatting (pure, exported for the unit tests)
// ---------------------------------------------------------------------------

const DAY_MS = 86_400_000;
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** "1234567.5" -> "1,234,567.5"; the sign and the decimals are kept as they are. */
export function groupThousands(decimal: string): string {
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(decimal);
  if (!match) throw new RangeError(`not a plain decimal string: ${decimal}`);
  const [, sign, integer, fraction = ""] = match;
  return `${sign}${integer!.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${fraction}`;
}

/** An amount with exactly the currency's decimals: "1234.5" USD -> "1,234.50", "1600" JPY -> "1,600". */
export function formatMoney(amount: string, currency: string): string {
  return groupThousands(formatMinorUnits(amount, currency));
}

/** The amount with its currency code: "USD 1,234.50". */
export function formatMoneyWithCode(amount: string, currency: string): string {
  return `${currency} ${formatMoney(amount, currency)}`;
}

/** A quantity without trailing zeros: "1234567.000000" -> "1,234,567", "0.500000" -> "0.5". */
export function formatQuantity(quantity: string): string {
  return groupThousands(formatDecimal(quantity));
}

/** A unit price without trailing zeros but with at least 2 decimals: "0.0020000000" -> "0.002", "29" -> "29.00". */
export function formatUnitPrice(unitPrice: string): string {
  const value = new Decimal(unitPrice);
  return groupThousands(formatDecimal(value, value.decimalPlaces() < 2 ? 2 : undefined));
}

/** A calendar date in UTC, unambiguous in any locale: "3 Dec 2026". */
export function formatDate(date: Date): string {
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]!.slice(0, 3)} ${date.getUTCFullYear()}`;
}

/** "2026-10" -> "October 2026". */
export function formatPeriod(period: string): string {
  const [year, month] = period.split("-").map(Number) as [number, number];
  return `${MONTHS[month - 1]} ${year}`;
}

/** The period's first and last day: periodEnd is exclusive (the next month's first instant). */
export function formatPeriodDates(start: Date, endExclusive: Date): string {
  return `${formatDate(start)} - ${formatDate(new Date(endExclusive.getTime() - 1))}`;
}

/** Whole days from issue to due date. */
export function paymentTermDays(issuedAt: Date, dueAt: Date): number {
  return Math.max(0, Math.round((dueAt.getTime() - issuedAt.getTime()) / DAY_MS));
}

export function paymentTermsText(issuedAt: Date, dueAt: Date): string {
  const days = paymentTermDays(issuedAt, dueAt);
  if (days === 0) return "Payment due on receipt.";
  return `Payment due within ${days} day${days === 1 ? "" : "s"} of the invoice date (by ${formatDate(dueAt)}).`;
}

/** The footer's first line: the payment terms while something is due, else why nothing is. */
export function footerText(invoice: Pick<TInvoiceDetail, "number" | "status" | "issuedAt" | "dueAt" | "paidAt">, due: string): string {
  if (invoice.status === "cancelled") return `Invoice ${invoice.number} was cancelled: nothing is due.`;
  if (new Decimal(due).isZero()) {
    return invoice.paidAt ? `Paid in full on ${formatDate(invoice.paidAt)}. Thank you.` : "Nothing is due on this invoice.";
  }
  return `${paymentTermsText(invoice.issuedAt, invoice.dueAt)} Please quote ${invoice.number} with your payment.`;
}

export const STATUS_LABELS: Record<TInvoiceDetail["status"], string> = {
  pending: "PENDING",
  paid: "PAID",
  overdue: "OVERDUE",
  cancelled: "CANCELLED",
  refunded: "REFUNDED",
  partially_refunded: "PARTIALLY REFUNDED",
};

/**
 * What the client still owes: total less what was paid, never below zero. A refund
 * gives money back and owes nothing; a cancelled invoice is not collected.
 */
export function balanceDue(invoice: Pick<TInvoiceDetail, "status" | "total" | "amountPaid" | "currency">): string {
  if (invoice.status === "cancelled") return formatMinorUnits("0", invoice.currency);
  return formatMinorUnits(Decimal.max(new Decimal(invoice.total).minus(invoice.amountPaid), 0), invoice.currency);
}

/**
 * Text the invoice font can print: React-PDF does not fail on a character the font
 * lacks but draws an empty box (or Helvetica garbage), so such a character loses its
 * accents if the base letter is drawable ("ǹ" -> "n") or becomes "?". Tabs become
 * spaces, line breaks "\n", other control characters "?".
 */
export function printable(text: string, hasGlyph: TGlyphCoverage): string {
  const drawable = (char: string) => char === "\n" || hasGlyph(char.codePointAt(0)!);
  let out = "";
  for (const char of text.replace(/\r\n?/g, "\n").replace(/\t/g, " ")) {
    if (drawable(char)) out += char;
    else {
      const stripped = char.normalize("NFKD").replace(/\p{M}/gu, "");
      out += stripped.length > 0 && [...stripped].every(drawable) ? stripped : "?";
    }
  }
  return out;
}

const ZUsageMetadata = z.object({
  unit: z.number().positive().optional(),
  usageMultiplier: z.string().optional(),
  tierMode: z.enum(["graduated", "volume"]).optional(),
  tiers: z.array(z.object({ upTo: z.number().nullable(), units: z.string(), unitPrice: z.string() })).optional(),
});

/** How many raw units a usage line's unit price is for (1 unless the plan prices e.g. per 1,000 tokens). */
export function priceUnit(line: Pick<TInvoiceDetail["lines"][number], "kind" | "metadata">): number {
  if (line.kind !== "usage") return 1;
  return ZUsageMetadata.safeParse(line.metadata ?? {}).data?.unit ?? 1;
}

/** One line under a usage line's description: its tiers and multiplier, or null. */
export function usageDetail(line: Pick<TInvoiceDetail["lines"][number], "kind" | "metadata">): string | null {
  if (line.kind !== "usage") return null;
  const meta = ZUsageMetadata.safeParse(line.metadata ?? {}).data;
  if (!meta) return null;
  const parts: string[] = [];
  const tiers = (meta.tiers ?? []).filter((tier) => !new Decimal(tier.units).isZero());
  if (meta.tierMode && tiers.length > 0) {
    const per = meta.unit && meta.unit !== 1 ? `, prices per ${groupThousands(String(meta.unit))}` : "";
    const list = tiers
      .map((tier) => {
        const bound = tier.upTo === null ? "above" : `up to ${groupThousands(String(tier.upTo))}`;
        return `${formatQuantity(tier.units)} at ${formatUnitPrice(tier.unitPrice)} (${bound})`;
      })
      .join("; ");
    parts.push(`${meta.tierMode === "graduated" ? "Graduated" : "Volume"} tiers${per}: ${list}`);
  }
  if (meta.usageMultiplier && !new Decimal(meta.usageMultiplier).eq(1)) {
    parts.push(`usage multiplier x${formatDecimal(meta.usageMultiplier)} applied`);
  }
  return parts.length > 0 ? parts.join("; ") : null;
}
