"use client";
// Tremor's BarList with a value format chosen by name: a function cannot cross from a
// server component to a client one. Values arrive as decimal strings and become numbers
// here only to size the bars and label them (display only, never summed).
import { BarList } from "@tremor/react";
import { formatCount, formatMoney } from "@/components/display-format";

export function UsageBarList({ data, format }: { data: Array<{ name: string; value: string }>; format: "count" | "usd" }) {
  return (
    <BarList
      className="mt-3"
      data={data.map((row) => ({ name: row.name, value: Number(row.value) }))}
      valueFormatter={(value: number) => (format === "usd" ? formatMoney(String(value), "USD", 2) : formatCount(value))}
    />
  );
}
