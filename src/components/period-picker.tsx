"use client";
// Picks the billing period a report shows; the choice lives in the URL (?period=YYYY-MM).
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useTransition } from "react";
import { formatPeriod } from "@/components/display-format";

export function PeriodPicker({ periods, value }: { periods: string[]; value: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [pending, startTransition] = useTransition();
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor="period" className="text-xs font-medium text-gray-600">
        Period
      </label>
      <select
        id="period"
        value={value}
        disabled={pending}
        onChange={(event) => {
          const params = new URLSearchParams(searchParams.toString());
          params.set("period", event.target.value);
          params.delete("page");
          startTransition(() => router.push(`${pathname}?${params.toString()}`));
        }}
        className="rounded-md border border-gray-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-blue-500 focus:outline-none focus:ring-2 focus:ring-blue-200"
      >
        {periods.map((period) => (
          <option key={period} value={period}>
            {formatPeriod(period)}
          </option>
        ))}
      </select>
    </div>
  );
}
