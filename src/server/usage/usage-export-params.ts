// The query parameters of the usage CSV exports, read from a URL: which client, which
// months, which granularity; and the download's file name. Pure: no I/O. Anything wrong
// is an AppError BAD_REQUEST whose message names the parameter, never a zod or ORM text.
import { z } from "zod";
import { AppError } from "@/server/errors/app-error";
import { ZPeriod, periodOf } from "./period";

export const USAGE_EXPORT_GRANULARITIES = ["month", "day", "event"] as const;
export type TUsageExportGranularity = (typeof USAGE_EXPORT_GRANULARITIES)[number];

/** The widest range one export covers: three years of months (event exports stream, but a range is still a query's bound). */
export const MAX_EXPORT_MONTHS = 36;
/** Months a client export covers when `from` is not given: the 12 ending with `to`. */
const DEFAULT_EXPORT_MONTHS = 12;

export type TClientUsageExportParams = { clientId: string; from: string; to: string; granularity: TUsageExportGranularity };
export type TAllClientsUsageExportParams = { period: string };

/** Months from `from` to `to`, both included (negative when `from` is after `to`). */
export function monthsInRange(from: string, to: string): number {
  const index = (period: string) => {
    const [year, month] = period.split("-").map(Number) as [number, number];
    return year * 12 + month - 1;
  };
  return index(to) - index(from) + 1;
}

/** The period `count - 1` months before `period`. */
function monthsBefore(period: string, count: number): string {
  const [year, month] = period.split("-").map(Number) as [number, number];
  return periodOf(new Date(Date.UTC(year, month - 1 - count, 1)));
}

function readParam(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  if (values.length > 1) throw new AppError("BAD_REQUEST", `Give \`${name}\` once.`, { field: name });
  const value = values[0];
  if (value === undefined || value === "") return undefined;
  // PostgreSQL cannot store or compare text with NUL; refuse it before any query.
  if (value.includes("\0")) throw new AppError("BAD_REQUEST", `\`${name}\` must not contain a NUL character.`, { field: name });
  return value;
}

function readPeriod(params: URLSearchParams, name: string): string | undefined {
  const value = readParam(params, name);
  if (value !== undefined && !ZPeriod.safeParse(value).success) {
    throw new AppError("BAD_REQUEST", `\`${name}\` must be a month written YYYY-MM.`, { field: name });
  }
  return value;
}

/** `?from=YYYY-MM&to=YYYY-MM&granularity=month|day|event` of one client's export; `to` defaults to the month of `now`. */
export function parseClientUsageExportParams(clientId: string, params: URLSearchParams, now: Date): TClientUsageExportParams {
  if (clientId.includes("\0") || !z.uuid().safeParse(clientId).success) {
    throw new AppError("BAD_REQUEST", "The client id must be a UUID.", { field: "id" });
  }
  const granularity = readParam(params, "granularity") ?? "month";
  if (!(USAGE_EXPORT_GRANULARITIES as readonly string[]).includes(granularity)) {
    throw new AppError("BAD_REQUEST", `\`granularity\` must be one of ${USAGE_EXPORT_GRANULARITIES.join(", ")}.`, { field: "granularity" });
  }
  const to = readPeriod(params, "to") ?? periodOf(now);
  const from = readPeriod(params, "from") ?? monthsBefore(to, DEFAULT_EXPORT_MONTHS - 1);
  const months = monthsInRange(from, to);
  if (months < 1) throw new AppError("BAD_REQUEST", `\`from\` (${from}) is after \`to\` (${to}).`, { field: "from" });
  if (months > MAX_EXPORT_MONTHS) {
    throw new AppError("BAD_REQUEST", `An export covers at most ${MAX_EXPORT_MONTHS} months; ${from} to ${to} is ${months}.`, { field: "from" });
  }
  return { clientId, from, to, granularity: granularity as TUsageExportGranularity };
}

/** `?period=YYYY-MM` of the all-clients export; defaults to the month of `now`. */
export function parseAllClientsUsageExportParams(params: URLSearchParams, now: Date): TAllClientsUsageExportParams {
  return { period: readPeriod(params, "period") ?? periodOf(now) };
}

/** A slug reduced to characters every browser and OS accepts in a file name. */
function safeFilePart(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, "_") || "client";
}

export function clientUsageExportFilename(slug: string, params: Omit<TClientUsageExportParams, "clientId">): string {
  return `usage-${safeFilePart(slug)}-${params.from}-${params.to}-${params.granularity}.csv`;
}

export function allClientsUsageExportFilename(period: string): string {
  return `usage-all-clients-${period}.csv`;
}
