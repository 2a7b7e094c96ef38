"use client";
// Tremor's ProgressBar keeps tooltip state in hooks, so it must render on the client.
import { ProgressBar } from "@tremor/react";

const LEVEL_COLORS = { ok: "blue", warning: "amber", over: "red" } as const;

/**
 * `percent` is for drawing only (0-100+); the numbers shown beside it come as text.
 * `level` (from the usage tracker: amber from the plan's first alert threshold, red from
 * 100%) sets the colour; without it, 80% and 100%.
 */
export function LimitProgress({
  percent,
  label,
  level,
  className = "mt-2",
}: {
  percent: number;
  label: string;
  level?: keyof typeof LEVEL_COLORS;
  className?: string;
}) {
  const color = level ? LEVEL_COLORS[level] : percent >= 100 ? "red" : percent >= 80 ? "amber" : "blue";
  return <ProgressBar value={Math.min(100, Math.max(0, percent))} color={color} aria-label={label} className={className} />;
}
