// The invoice as a PDF: a pure React-PDF template. It gets everything as props (the
// invoice DTO from get-invoice.ts, the bill-to details, the seller) and reads neither
// the database nor the environment; invoice-pdf-data.ts builds the props.
//
// Money arrives as decimal strings and is printed with decimal.js and string handling,
// never through a JS number: an amount with the currency's decimals ("1,234.56",
// "1,600" for JPY), quantities trimmed ("1,234,567"), unit prices trimmed but with at
// least two decimals ("0.002", "29.00").
//
// Fonts: DejaVu Sans (npm dejavu-fonts-ttf), embedded as a subset of the glyphs used,
// because client names and addresses are in Polish, Czech, Greek, Cyrillic... and the
// PDF standard fonts only have WinAnsi. Text still goes through printable(): a
// character neither face can draw (CJK, for one) becomes "?" instead of an empty box.
import { createRequire } from "node:module";
import { Document, Font, Page, StyleSheet, Text, View, renderToBuffer } from "@react-pdf/renderer";
import Decimal from "decimal.js";
import type { ReactNode } from "react";
import type { TBillTo, TInvoiceDetail } from "./get-invoice";
import { groupThousands, formatMoney, formatMoneyWithCode, formatQuantity, formatUnitPrice, formatDate, formatPeriod, formatPeriodDates, footerText, STATUS_LABELS, balanceDue, printable, priceUnit, usageDetail, type TGlyphCoverage } from "./invoice-pdf-format";

export type TInvoicePdfSeller = {
  name: string;
  addressLines: string[];
  email: string;
  taxId: string | null;
};

export type TInvoicePdfInvoice = TInvoiceDetail & {
  /** The plan's name at the invoiced version. */
  planName: string;
  /** The buyer as the invoice was issued to it. */
  billTo: TBillTo;
};

/** Whether the invoice font can draw a code point (see loadInvoiceFont). */

export type TInvoiceDocumentProps = { invoice: TInvoicePdfInvoice; seller: TInvoicePdfSeller; hasGlyph: TGlyphCoverage };

// ---------------------------------------------------------------------------
// Font
// ---------------------------------------------------------------------------

const FONT_FAMILY = "DejaVu Sans";
const FONT_FACES = [
  { fontWeight: 400, file: "DejaVuSans.ttf" },
  { fontWeight: 700, file: "DejaVuSans-Bold.ttf" },
] as const;

// The font store is global to React-PDF: register once, even if this module is evaluated again.
if (!Font.getRegisteredFontFamilies().includes(FONT_FAMILY)) {
  // No hyphenation anywhere: React-PDF's patterns are English ones, which split Polish or
  // Greek names at odd places ("Usłu-gowe"); emails, ids and amounts must not split at all.
  Font.registerHyphenationCallback((word) => [word]);
  // A path resolved at run time, not an imported asset: React-PDF is external to the Next
  // server bundle (next.config.mjs) and fontkit opens the file from node_modules by path.
  // turbopackIgnore keeps `next build` from bundling every .ttf the pattern matches
  // (it fails with "Unknown module type"); Node resolves the path when the module loads.
  const fromHere = createRequire(import.meta.url);
  Font.register({
    family: FONT_FAMILY,
    fonts: FONT_FACES.map(({ fontWeight, file }) => ({ src: fromHere.resolve(/* turbopackIgnore: true */ `dejavu-fonts-ttf/ttf/${file}`), fontWeight })),
  });
}

let fontCoverage: Promise<TGlyphCoverage> | undefined;

/**
 * Loads both faces (once per process; React-PDF keeps them) and answers which code
 * points they can both draw: the bold face lacks a few glyphs of the regular one.
 */
export function loadInvoiceFont(): Promise<TGlyphCoverage> {
  fontCoverage ??= Promise.all(
    FONT_FACES.map(async ({ fontWeight }) => {
      await Font.load({ fontFamily: FONT_FAMILY, fontWeight });
      const font = Font.getFont({ fontFamily: FONT_FAMILY, fontWeight }).data;
      if (!font) throw new Error(`${FONT_FAMILY} ${fontWeight} did not load`);
      return font;
    }),
  ).then(
    (faces): TGlyphCoverage =>
      (codePoint) =>
        faces.every((face) => face.hasGlyphForCodePoint(codePoint)),
    (error: unknown) => {
      fontCoverage = undefined; // the next render tries again
      throw error;
    },
  );
  return fontCoverage;
}

// ---------------------------------------------------------------------------
// Template
// ---------------------------------------------------------------------------

const INK = "#1f2937";
const MUTED = "#6b7280";
const RULE = "#d1d5db";
const STATUS_COLORS: Record<TInvoiceDetail["status"], string> = {
  pending: "#b45309",
  paid: "#047857",
  overdue: "#b91c1c",
  cancelled: "#4b5563",
  refunded: "#6d28d9",
  partially_refunded: "#6d28d9",
};

const styles = StyleSheet.create({
  page: { fontFamily: FONT_FAMILY, fontSize: 9, color: INK, paddingTop: 40, paddingBottom: 72, paddingHorizontal: 44 },
  header: { flexDirection: "row", justifyContent: "space-between", marginBottom: 22 },
  sellerBlock: { width: "55%" },
  sellerName: { fontWeight: "bold", fontSize: 14, marginBottom: 4 },
  titleBlock: { width: "40%", alignItems: "flex-end" },
  title: { fontWeight: "bold", fontSize: 22, letterSpacing: 2, marginBottom: 4 },
  number: { fontWeight: "bold", fontSize: 11, marginBottom: 6 },
  status: { fontWeight: "bold", fontSize: 9, color: "#ffffff", paddingVertical: 3, paddingHorizontal: 8, borderRadius: 3 },
  statusNote: { color: MUTED, marginTop: 3 },
  muted: { color: MUTED },
  // Default line height is tight for stacked address lines; a margin opens them up
  // (a lineHeight on the Page or a View would drop the page number, see below).
  line: { marginBottom: 1.5 },
  parties: { flexDirection: "row", justifyContent: "space-between", marginBottom: 20 },
  billTo: { width: "45%" },
  label: { fontWeight: "bold", fontSize: 8, color: MUTED, textTransform: "uppercase", marginBottom: 4 },
  billToName: { fontWeight: "bold", fontSize: 11, marginBottom: 2 },
  facts: { width: "50%" },
  factRow: { flexDirection: "row", marginBottom: 3.5 },
  factLabel: { width: 82, color: MUTED },
  factValue: { flex: 1, fontWeight: "bold" },
  factSub: { flex: 1 },
  table: { borderTopWidth: 1, borderTopColor: INK, marginBottom: 14 },
  row: { flexDirection: "row", paddingVertical: 5, borderBottomWidth: 0.5, borderBottomColor: RULE },
  headRow: { flexDirection: "row", paddingVertical: 5, borderBottomWidth: 1, borderBottomColor: INK },
  head: { fontWeight: "bold", fontSize: 8, color: MUTED, textTransform: "uppercase" },
  colDescription: { flex: 1, paddingRight: 10 },
  colQuantity: { width: 84, textAlign: "right", paddingRight: 8 },
  colUnitPrice: { width: 96, textAlign: "right", paddingRight: 8 },
  colAmount: { width: 90, textAlign: "right" },
  detail: { fontSize: 7.5, color: MUTED, marginTop: 2 },
  totals: { alignSelf: "flex-end", width: 250, marginBottom: 16 },
  totalRow: { flexDirection: "row", justifyContent: "space-between", paddingVertical: 2 },
  totalStrong: { flexDirection: "row", justifyContent: "space-between", paddingVertical: 4, marginVertical: 2, borderTopWidth: 1, borderTopColor: INK },
  bold: { fontWeight: "bold" },
  notes: { marginBottom: 12 },
  footer: { position: "absolute", left: 44, right: 44, bottom: 28, borderTopWidth: 0.5, borderTopColor: RULE, paddingTop: 6, paddingRight: 64, fontSize: 7.5, color: MUTED },
  footerLine: { marginBottom: 1.5 },
  pageNumber: { position: "absolute", right: 44, bottom: 28, fontSize: 7.5, color: MUTED },
});

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <View style={styles.factRow}>
      <Text style={styles.factLabel}>{label}</Text>
      <View style={styles.factSub}>{children}</View>
    </View>
  );
}

function TotalRow({ label, value, strong = false }: { label: string; value: string; strong?: boolean }) {
  return (
    <View style={strong ? styles.totalStrong : styles.totalRow} wrap={false}>
      <Text style={strong ? styles.bold : undefined}>{label}</Text>
      <Text style={strong ? styles.bold : undefined}>{value}</Text>
    </View>
  );
}

export function InvoiceDocument({ invoice, seller, hasGlyph }: TInvoiceDocumentProps) {
  const { currency } = invoice;
  const printed = (value: string) => printable(value, hasGlyph);
  const money = (amount: string) => formatMoneyWithCode(amount, currency);
  const due = balanceDue(invoice);
  const isCredit = new Decimal(invoice.total).isNegative();

  return (
    <Document
      title={`Invoice ${invoice.number}`}
      author={seller.name}
      subject={`${seller.name} invoice ${invoice.number} to ${invoice.billTo.name}, ${formatPeriod(invoice.period)}`}
      creator="Meterline"
      producer="Meterline"
      language="en"
    >
      <Page size="A4" style={styles.page}>
        <View style={styles.header}>
          <View style={styles.sellerBlock}>
            <Text style={styles.sellerName}>{printed(seller.name)}</Text>
            {seller.addressLines.map((line, index) => (
              <Text key={index} style={styles.line}>
                {printed(line)}
              </Text>
            ))}
            <Text style={styles.line}>{printed(seller.email)}</Text>
            {seller.taxId ? <Text style={styles.line}>Tax ID: {printed(seller.taxId)}</Text> : null}
          </View>
          <View style={styles.titleBlock}>
            <Text style={styles.title}>INVOICE</Text>
            <Text style={styles.number}>{invoice.number}</Text>
            <Text style={[styles.status, { backgroundColor: STATUS_COLORS[invoice.status] }]}>{STATUS_LABELS[invoice.status]}</Text>
            {invoice.paidAt ? <Text style={styles.statusNote}>Paid on {formatDate(invoice.paidAt)}</Text> : null}
          </View>
        </View>

        <View style={styles.parties}>
          <View style={styles.billTo}>
            <Text style={styles.label}>Bill to</Text>
            <Text style={styles.billToName}>{printed(invoice.billTo.name)}</Text>
            {invoice.billTo.addressLines.map((line, index) => (
              <Text key={index} style={styles.line}>
                {printed(line)}
              </Text>
            ))}
            {invoice.billTo.taxId ? <Text style={styles.line}>Tax ID: {printed(invoice.billTo.taxId)}</Text> : null}
            <Text style={styles.line}>{printed(invoice.billTo.email)}</Text>
            <Text style={[styles.line, styles.muted]}>Account: {printed(invoice.billTo.account)}</Text>
          </View>
          <View style={styles.facts}>
            <Fact label="Invoice number">
              <Text style={styles.factValue}>{invoice.number}</Text>
            </Fact>
            <Fact label="Issue date">
              <Text>{formatDate(invoice.issuedAt)}</Text>
            </Fact>
            <Fact label="Due date">
              <Text style={styles.factValue}>{formatDate(invoice.dueAt)}</Text>
            </Fact>
            <Fact label="Billing period">
              <Text style={styles.line}>{formatPeriod(invoice.period)}</Text>
              <Text style={styles.muted}>{formatPeriodDates(invoice.periodStart, invoice.periodEnd)}</Text>
            </Fact>
            <Fact label="Plan">
              <Text>
                {printed(invoice.planName)} ({printed(invoice.planKey)}), version {invoice.planVersion}
              </Text>
            </Fact>
            <Fact label="Currency">
              <Text>{currency}</Text>
            </Fact>
          </View>
        </View>

        <View style={styles.table}>
          <View style={styles.headRow} fixed>
            <Text style={[styles.head, styles.colDescription]}>Description</Text>
            <Text style={[styles.head, styles.colQuantity]}>Quantity</Text>
            <Text style={[styles.head, styles.colUnitPrice]}>Unit price ({currency})</Text>
            <Text style={[styles.head, styles.colAmount]}>Amount ({currency})</Text>
          </View>
          {invoice.lines.map((line, index) => {
            const detail = usageDetail(line);
            const unit = priceUnit(line);
            return (
              <View key={index} style={styles.row} wrap={false}>
                <View style={styles.colDescription}>
                  <Text>{printed(line.description)}</Text>
                  {detail ? <Text style={styles.detail}>{detail}</Text> : null}
                </View>
                <Text style={styles.colQuantity}>{formatQuantity(line.quantity)}</Text>
                <View style={styles.colUnitPrice}>
                  <Text>{formatUnitPrice(line.unitPrice)}</Text>
                  {unit !== 1 ? <Text style={styles.detail}>per {groupThousands(String(unit))}</Text> : null}
                </View>
                <Text style={styles.colAmount}>{formatMoney(line.amount, currency)}</Text>
              </View>
            );
          })}
        </View>

        <View style={styles.totals} wrap={false}>
          <TotalRow label="Subtotal" value={money(invoice.subtotal)} />
          <TotalRow label="Tax" value={money(invoice.tax)} />
          <TotalRow label="Total" value={money(invoice.total)} strong />
          <TotalRow label="Amount paid" value={money(invoice.amountPaid)} />
          <TotalRow label="Amount refunded" value={money(invoice.amountRefunded)} />
          <TotalRow label="Balance due" value={money(due)} strong />
          {isCredit ? <TotalRow label="Credit in your favour" value={money(new Decimal(invoice.total).neg().toFixed())} /> : null}
        </View>

        {invoice.notes ? (
          <View style={styles.notes} wrap={false}>
            <Text style={styles.label}>Notes</Text>
            <Text>{printed(invoice.notes)}</Text>
          </View>
        ) : null}

        <View style={styles.footer} fixed>
          <Text style={styles.footerLine}>
            {footerText(invoice, due)}
          </Text>
          <Text>{printed(`${seller.name} - ${seller.email}${seller.taxId ? ` - Tax ID ${seller.taxId}` : ""}`)}</Text>
        </View>
        {/* Its own fixed element, and no lineHeight on the Page: React-PDF 4.9 drops a render-prop Text nested in a row (with its whole footer) or under an inherited lineHeight. */}
        <Text style={styles.pageNumber} fixed render={({ pageNumber, totalPages }) => `Page ${pageNumber} of ${totalPages}`} />
      </Page>
    </Document>
  );
}

/** The invoice as PDF bytes. */
export async function renderInvoicePdf(invoice: TInvoicePdfInvoice, seller: TInvoicePdfSeller): Promise<Buffer> {
  const hasGlyph = await loadInvoiceFont();
  // Called as a function, not as <InvoiceDocument />: renderToBuffer wants the <Document> element itself.
  return renderToBuffer(InvoiceDocument({ invoice, seller, hasGlyph }));
}
