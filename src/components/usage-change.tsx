// The change of a counter from the previous period: "+12.5%" in green or red, or the
// absolute change when the previous period had none. Decimal strings in; no float maths.
import clsx from "clsx";
import { formatCount, formatMoney } from "@/components/display-format";

export function UsageChange({ change, changePercent, money = false }: { change: string; changePercent: string | null; money?: boolean }) {
  const negative = change.startsWith("-");
  const zero = /^-?0*(\.0*)?$/.test(change);
  const magnitude = negative ? change.slice(1) : change;
  const text = zero
    ? "no change"
    : changePercent !== null
      ? `${negative ? "−" : "+"}${changePercent.replace(/^-/, "")}%`
      : `${negative ? "−" : "+"}${money ? formatMoney(magnitude) : formatCount(magnitude)}`;
  return (
    <span
      data-testid="usage-change"
      className={clsx("whitespace-nowrap tabular-nums", zero ? "text-gray-500" : negative ? "text-rose-700" : "text-emerald-700")}
    >
      {text}
    </span>
  );
}
