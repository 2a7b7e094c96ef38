"use client";
// Tremor's ProgressBar keeps tooltip state in hooks, so it must render on the client.
import { ProgressBar } from "@tremor/react";

/** `percent` is for drawing only (0-100+); the numbers shown beside it come as text. */
export function LimitProgress({ percent, label }: { percent: number; label: string }) {
  const color = percent >= 100 ? "red" : percent >= 80 ? "amber" : "blue";
  return <ProgressBar value={Math.min(100, Math.max(0, percent))} color={color} aria-label={label} className="mt-2" />;
}
