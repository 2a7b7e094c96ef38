// Demo data for the dashboard and for tests: plans, model prices, ~25 clients with a
// year of usage, recent conversations, usage counters, two admin users, the
// publishable key the widget demo page (/demo) embeds, and a year of invoices with
// their payments (seed-demo-invoices.ts).
//
// Deterministic: every random choice comes from a PRNG seeded by (client, day), and
// every row has a key derived from the same names (slug, day, index), so re-running
// inserts nothing twice and rows generated for a day are identical on every run in
// the same month. The month matters because volume curves and client ages are laid
// out relative to the first day of the current month (the "anchor"); data runs up to
// the start of the current minute, so two runs within the minute give the same counts.
// `now` comes from the app's clock (APP_NOW pins it): the seed never reads the date itself.
//
// Money: model prices are decimal strings, per-call costs are computed with decimal.js
// and stored as decimal strings (NUMERIC(20,10)); no float touches an amount.
import { createHash } from "node:crypto";
import bcrypt from "bcryptjs";
import Decimal from "decimal.js";
import { defaultPlans } from "@/server/plans/default-plans";
import { env } from "@/env";
import { Prisma } from "@/generated/prisma/client";
import type { InvoiceStatus } from "@/generated/prisma/enums";
import { hashApiKey } from "@/server/clients/api-keys";
import type { TDb } from "@/server/db/client";
import {
  checkLimit,
  describePlanIssues,
  ZPlanDefinition,
  type TLlmProvider,
  type TPlanDefinition,
  type TProviderChain,
} from "@/server/plans/plan-config";
import { seedDemoInvoices } from "./seed-demo-invoices";
import { clockNow } from "@/server/clock";
import { seedDemoAlerts } from "./seed-demo-alerts";

// ---------------------------------------------------------------------------
// Fixed inputs
// ---------------------------------------------------------------------------

export const DEMO_ADMIN_USERS = [
  { email: "admin@meterline.local", name: "Ada Admin", role: "admin", password: "meterline-admin" },
  { email: "viewer@meterline.local", name: "Victor Viewer", role: "viewer", password: "meterline-viewer" },
] as const;

/**
 * The publishable key the widget demo page (/demo) embeds. Fixed and documented on
 * purpose: a publishable key sits in a public web page anyway and only works from its
 * client's allowed origins, which for the demo client are local addresses. Never seed
 * it into a production database.
 */
export const DEMO_WIDGET_KEY = "pk_demo_meterline_widget_0000000000000000";
/** The tenant the demo page plays: the first free-plan client, which every seed run picks. */
export const DEMO_WIDGET_CLIENT_SLUG = "pixel-pantry";
/** Where the demo page is served from: `npm start` (3000) and the e2e server (3210). */
export const DEMO_WIDGET_ORIGINS = ["http://localhost:3000", "http://127.0.0.1:3000", "http://localhost:3210"] as const;

const MODEL_PRICES_EFFECTIVE_FROM = new Date("2025-01-01T00:00:00.000Z");

/** List prices in USD per 1M tokens. */
export const DEMO_MODEL_PRICES: readonly {
  provider: TLlmProvider;
  model: string;
  inputPer1M: string;
  outputPer1M: string;
  cachedInputPer1M: string | null;
}[] = [
  // claude-sonnet-4-5 reaches end of life on 2026-11-30 (the SDK warns on every call);
  // claude-sonnet-5-5 is the current Sonnet. Its price is assumed at Sonnet's long-standing
  // 3 / 15 USD per 1M tokens: check the provider's price list before billing with it.
  { provider: "anthropic", model: "claude-sonnet-5-5", inputPer1M: "3", outputPer1M: "15", cachedInputPer1M: "0.30" },
  { provider: "anthropic", model: "claude-sonnet-4-5", inputPer1M: "3", outputPer1M: "15", cachedInputPer1M: "0.30" },
  { provider: "anthropic", model: "claude-haiku-4-5", inputPer1M: "1", outputPer1M: "5", cachedInputPer1M: "0.10" },
  { provider: "openai", model: "gpt-4o", inputPer1M: "2.5", outputPer1M: "10", cachedInputPer1M: "1.25" },
  { provider: "openai", model: "gpt-4o-mini", inputPer1M: "0.15", outputPer1M: "0.60", cachedInputPer1M: "0.075" },
  { provider: "ollama", model: "llama3.2", inputPer1M: "0", outputPer1M: "0", cachedInputPer1M: null },
];

type TPlanKey = keyof typeof defaultPlans;
type TIndustry = "retail" | "software" | "travel" | "finance" | "health" | "local";
type TModelRef = { provider: TLlmProvider; model: string };

export type TDemoClient = {
  slug: string;
  name: string;
  plan: TPlanKey;
  industry: TIndustry;
  /** createdAt = anchor minus this many days. */
  ageDays: number;
  /** Volume relative to the plan's typical client. */
  scale: number;
  /** Invoicing currency; must be the plan's pricing currency (all seeded plans are USD). */
  currency?: "USD";
  override?: TModelRef;
  fallbackChain?: TProviderChain;
  /** Suspended this many days before the anchor; no usage after that. */
  suspendedDaysBeforeAnchor?: number;
  /** Conversations and messages are written for this client's last 14 days. */
  withConversations?: boolean;
  alertWebhook?: boolean;
};

// Listed by plan; `clients: n` takes them round-robin across plans, so a small test
// seed still covers every plan (the first of each plan is the most useful one).
const DEMO_CLIENTS: readonly TDemoClient[] = [
  // free
  { slug: "pixel-pantry", name: "Pixel Pantry", plan: "free", industry: "retail", ageDays: 250, scale: 1, withConversations: true },
  { slug: "brightside-tutoring", name: "Brightside Tutoring", plan: "free", industry: "local", ageDays: 150, scale: 4.5 },
  { slug: "tern-travel-notes", name: "Tern Travel Notes", plan: "free", industry: "travel", ageDays: 40, scale: 0.8 },
  { slug: "lumen-yoga", name: "Lumen Yoga Studio", plan: "free", industry: "health", ageDays: 300, scale: 0.6 },
  { slug: "copper-kettle-coffee", name: "Copper Kettle Coffee", plan: "free", industry: "retail", ageDays: 95, scale: 0.9 },
  { slug: "fieldnote-books", name: "Fieldnote Books", plan: "free", industry: "retail", ageDays: 200, scale: 0.7 },
  { slug: "hollow-oak-crafts", name: "Hollow Oak Crafts", plan: "free", industry: "retail", ageDays: 60, scale: 0.5 },
  { slug: "nimbus-weather", name: "Nimbus Weather", plan: "free", industry: "software", ageDays: 20, scale: 1.5 },
  { slug: "quill-and-ink", name: "Quill & Ink Stationery", plan: "free", industry: "retail", ageDays: 6, scale: 1 },
  // starter
  { slug: "harbor-dental", name: "Harbor Dental Group", plan: "starter", industry: "health", ageDays: 280, scale: 1, withConversations: true },
  {
    slug: "cobalt-cycles",
    name: "Cobalt Cycles",
    plan: "starter",
    industry: "retail",
    ageDays: 220,
    scale: 1.2,
    override: { provider: "anthropic", model: "claude-haiku-4-5" },
    fallbackChain: [{ provider: "openai", model: "gpt-4o-mini" }],
  },
  { slug: "greenleaf-grocers", name: "Greenleaf Grocers", plan: "starter", industry: "retail", ageDays: 180, scale: 3.5 },
  { slug: "summit-property", name: "Summit Property Management", plan: "starter", industry: "local", ageDays: 130, scale: 0.8 },
  {
    slug: "atlas-legal-forms",
    name: "Atlas Legal Forms",
    plan: "starter",
    industry: "finance",
    ageDays: 240,
    scale: 1,
    suspendedDaysBeforeAnchor: 12,
  },
  { slug: "maple-main-realty", name: "Maple & Main Realty", plan: "starter", industry: "local", ageDays: 70, scale: 0.9 },
  { slug: "trailhead-outfitters", name: "Trailhead Outfitters", plan: "starter", industry: "retail", ageDays: 35, scale: 1.4 },
  // pro
  {
    slug: "northwind-logistics",
    name: "Northwind Logistics",
    plan: "pro",
    industry: "retail",
    ageDays: 320,
    scale: 1,
    withConversations: true,
    fallbackChain: [
      { provider: "openai", model: "gpt-4o" },
      { provider: "ollama", model: "llama3.2" },
    ],
  },
  {
    slug: "helio-solar",
    name: "Helio Solar GmbH",
    plan: "pro",
    industry: "local",
    ageDays: 260,
    scale: 0.9,
    override: { provider: "openai", model: "gpt-4o" },
    fallbackChain: [{ provider: "anthropic", model: "claude-sonnet-5-5" }],
  },
  {
    slug: "vantage-analytics",
    name: "Vantage Analytics",
    plan: "pro",
    industry: "software",
    ageDays: 200,
    scale: 2.5,
    fallbackChain: [{ provider: "openai", model: "gpt-4o" }],
  },
  { slug: "kestrel-insurance", name: "Kestrel Insurance", plan: "pro", industry: "finance", ageDays: 160, scale: 1 },
  {
    slug: "orbit-fintech",
    name: "Orbit Fintech",
    plan: "pro",
    industry: "finance",
    ageDays: 100,
    scale: 1.2,
    fallbackChain: [{ provider: "openai", model: "gpt-4o-mini" }],
  },
  { slug: "riverbend-health", name: "Riverbend Health Clinics", plan: "pro", industry: "health", ageDays: 50, scale: 0.8, withConversations: true },
  // enterprise
  {
    slug: "globex-retail",
    name: "Globex Retail",
    plan: "enterprise",
    industry: "retail",
    ageDays: 330,
    scale: 1,
    alertWebhook: true,
    fallbackChain: [
      { provider: "openai", model: "gpt-4o" },
      { provider: "ollama", model: "llama3.2" },
    ],
  },
  {
    slug: "meridian-airlines",
    name: "Meridian Airlines",
    plan: "enterprise",
    industry: "travel",
    ageDays: 290,
    scale: 1.2,
    alertWebhook: true,
    override: { provider: "openai", model: "gpt-4o" },
    fallbackChain: [{ provider: "anthropic", model: "claude-sonnet-5-5" }],
  },
  { slug: "sterling-bank", name: "Sterling Bank", plan: "enterprise", industry: "finance", ageDays: 210, scale: 0.8 },
];

/** LLM calls on a weekday at full growth for a client of scale 1. */
const PLAN_DAILY_CALLS: Record<TPlanKey, number> = { free: 3, starter: 10, pro: 22, enterprise: 55 };
/** Median prompt and completion tokens of a first turn. */
const PLAN_TOKENS: Record<TPlanKey, { input: number; output: number }> = {
  free: { input: 240, output: 140 },
  starter: { input: 650, output: 220 },
  pro: { input: 1300, output: 320 },
  enterprise: { input: 1700, output: 380 },
};
const WEEKEND_FACTOR = 0.4;
/** Relative traffic per UTC hour: European and American business hours overlap. */
const HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 3, 5, 7, 9, 10, 10, 9, 10, 11, 11, 10, 9, 7, 6, 5, 3, 2, 1];
/** Turns per conversation 1..6 (mean ~2.4). */
const TURN_WEIGHTS = [35, 25, 18, 10, 7, 5];
const CONVERSATION_DAYS = 14;
/** Share of calls answered by the first / second fallback provider. */
const FALLBACK_SHARE = [0.025, 0.004];
const ERROR_SHARE = 0.015;
const PARTIAL_SHARE = 0.005;
const TOOL_SHARE = 0.3;
const EVENT_BATCH = 2_000;

const TOOLS: Record<TIndustry, string[]> = {
  retail: ["lookup_order", "search_docs", "create_ticket", "check_inventory"],
  software: ["search_docs", "create_ticket", "check_subscription"],
  travel: ["lookup_booking", "search_docs", "create_ticket"],
  finance: ["search_docs", "lookup_account", "create_ticket"],
  health: ["search_docs", "book_appointment", "create_ticket"],
  local: ["search_docs", "book_appointment", "create_ticket"],
};

const DIALOGUES: Record<TIndustry, [string, string][]> = {
  retail: [
    ["Where is my order #{n}? It was supposed to arrive yesterday.", "Order #{n} left our warehouse on Monday and is with the carrier now. The tracking page shows delivery tomorrow before 6 pm; I can send you the link by email if you like."],
    ["Can I return a jacket I bought three weeks ago?", "Yes: returns are free within 30 days as long as the tags are still on. Start the return from your account under Orders, print the label and drop it at any post office."],
    ["Do you have the blue one in size M?", "The blue one in size M is back in stock at our online store (4 left). Our city-centre shop has 2 more if you prefer to try it on."],
    ["My discount code SPRING15 isn't working.", "SPRING15 applies to full-price items only, and two items in your basket are already on sale. It will work once those two are removed, or you can keep the sale prices."],
    ["How long does shipping to Canada take?", "Standard shipping to Canada takes 5-8 business days and express 2-3. Duties are included at checkout, so nothing extra is due on delivery."],
  ],
  software: [
    ["How do I invite a teammate to my workspace?", "Go to Settings > Members and click Invite. Enter their email and pick a role; they get an invitation that stays valid for 7 days."],
    ["The CSV export times out for last year's data.", "Exports over 100,000 rows run in the background: use Export > Email me the file and you will get a download link within a few minutes."],
    ["Can I connect this to Slack?", "Yes. Under Integrations, choose Slack and authorise the workspace. You can then pick which channel receives alerts."],
    ["What's the difference between the Team and Business plans?", "Business adds SSO, audit logs and a 99.9% uptime SLA. Both include unlimited dashboards; Team is limited to 10 members."],
    ["I was charged twice this month.", "I can see two charges: one is a pending authorisation that will drop off within 3-5 days. Only one charge will settle. I've opened ticket #{n} in case it doesn't."],
  ],
  travel: [
    ["Can I change my flight on booking {code} to Friday?", "Booking {code} can be moved to Friday's 10:40 departure. The fare difference is 45.00 and there is no change fee on your ticket type. Shall I go ahead?"],
    ["How much luggage can I take?", "Your fare includes one cabin bag up to 8 kg and one checked bag up to 23 kg. Extra bags are cheaper when added online before check-in."],
    ["Is there a direct connection from Lisbon to Oslo?", "There are direct flights on Tuesdays, Thursdays and Sundays in summer. The rest of the year the route connects through Copenhagen or Amsterdam."],
    ["My flight was cancelled, what are my options?", "You can rebook on the next available flight at no cost, or request a full refund. Under EU rules you may also be entitled to compensation; I've started claim #{n} for you."],
    ["Do I need a visa for Japan with a UK passport?", "UK passport holders can visit Japan for up to 90 days without a visa for tourism. Your passport must be valid for the whole stay."],
  ],
  finance: [
    ["How do I reset my online banking password?", "Tap 'Forgot password' on the login screen and confirm with the code we send to your registered phone. For your security our team will never ask for your password."],
    ["What documents do I need to open a business account?", "You need proof of identity for each director, your company registration number and a proof of business address dated within the last 3 months."],
    ["When will my card replacement arrive?", "Your replacement card was dispatched on the {d}th and usually arrives within 3-5 working days. You can already use it in your mobile wallet."],
    ["Why was my payment declined?", "The payment was declined because it exceeded your daily online limit. You can raise the limit temporarily in the app under Card settings."],
    ["What is the interest rate on the savings account?", "The easy-access savings account currently pays 3.1% AER variable, paid monthly. Fixed-term accounts pay up to 3.8% for 12 months."],
  ],
  health: [
    ["I'd like to book a check-up next week.", "I have openings on Tuesday at 9:30 and Thursday at 14:00. Which one suits you? Please bring your insurance card to the appointment."],
    ["Do you accept my insurance?", "We work with most major insurers. If you tell me the name of your provider and plan I can check whether you are covered before your visit."],
    ["What should I do before a blood test?", "Please don't eat for 8-10 hours before the test; water is fine. Bring a list of the medicines you take."],
    ["Can I get a copy of my records?", "Yes. Sign the records request form in the patient portal; copies are ready within 5 working days and are free of charge."],
    ["How do I cancel my appointment on the {d}th?", "I've cancelled your appointment on the {d}th. There is no fee because it is more than 24 hours away. Would you like to rebook?"],
  ],
  local: [
    ["What are your opening hours on Saturday?", "On Saturdays we are open from 9:00 to 13:00. We're closed on Sundays and public holidays."],
    ["How much does an initial consultation cost?", "The first 30-minute consultation is free. Follow-up sessions are billed by the hour, and we send you a quote beforehand."],
    ["Can someone come out to look at the issue this week?", "A technician can visit on Wednesday between 8 and 12 or Friday between 13 and 17. I've noted request #{n}; which slot do you prefer?"],
    ["Do you offer a payment plan?", "Yes, for amounts over 500 you can spread payments over 3, 6 or 12 months without interest."],
    ["Where can I park when I visit?", "There is free parking behind the building; enter from the side street. The spaces marked 'Visitors' are reserved for you."],
  ],
};

const FOLLOW_UPS: [string, string][] = [
  ["Great, thanks. Can you send that to me by email?", "Done: a summary is on its way to the email address on your account."],
  ["And what if that doesn't work?", "Then reply here or call our support line and mention reference #{n}; someone will pick it up the same day."],
  ["Perfect, that's all I needed.", "Happy to help! Is there anything else I can do for you today?"],
  ["Can I speak to a person?", "Of course. I've passed this conversation to our team; someone will reply here within business hours."],
];

// ---------------------------------------------------------------------------
// Deterministic randomness and ids
// ---------------------------------------------------------------------------

/** FNV-1a: a 32-bit seed from a name. */
function hashSeed(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: a tiny, fast PRNG; good enough for demo data, useless for secrets. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type TRandom = ReturnType<typeof mulberry32>;

function gaussian(rng: TRandom): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** A positive value whose median is `median`, spread by `sigma` on the log scale. */
function logNormal(rng: TRandom, median: number, sigma: number): number {
  return median * Math.exp(sigma * gaussian(rng));
}

function weightedIndex(rng: TRandom, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let pick = rng() * total;
  for (let i = 0; i < weights.length; i++) {
    pick -= weights[i]!;
    if (pick < 0) return i;
  }
  return weights.length - 1;
}

function pick<T>(rng: TRandom, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

/** A stable UUID (version-5 layout) for a seeded row, so re-runs hit the same primary key. */
const DEMO_STREETS = ["Market Street", "Harbor Road", "Oak Avenue", "Mill Lane", "Station Square", "Bridge Street"];
const DEMO_CITIES = ["Portland, OR 97204", "Austin, TX 78701", "Denver, CO 80202", "Madison, WI 53703", "Raleigh, NC 27601"];

/** A made-up postal address for every demo client, and a tax id for the paying ones; stable across runs. */
function demoBillingDetails(demo: TDemoClient): { billingAddress: string; taxId: string | null } {
  const n = Number.parseInt(seedUuid(`address/${demo.slug}`).slice(0, 8), 16);
  const street = `${(n % 480) + 12} ${DEMO_STREETS[n % DEMO_STREETS.length]}`;
  const city = DEMO_CITIES[(n >>> 8) % DEMO_CITIES.length];
  const taxId = demo.plan === "free" ? null : `EIN ${String(10 + (n % 89)).padStart(2, "0")}-${String(n % 10_000_000).padStart(7, "0")}`;
  return { billingAddress: `${street}\n${city}\nUnited States`, taxId };
}

export function seedUuid(name: string): string {
  const hex = createHash("sha1").update(`meterline-seed/${name}`).digest("hex");
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

// ---------------------------------------------------------------------------
// Dates (all UTC)
// ---------------------------------------------------------------------------

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

function startOfUtcMonth(date: Date, monthOffset = 0): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + monthOffset, 1));
}

function utcPeriod(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

function utcDayKey(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replaceAll("-", "");
}

export type TSeedReference = {
  /** First day of the current month, 00:00 UTC: client ages and growth curves hang off it. */
  anchor: Date;
  /** First day of the month 11 months before the anchor: 12 months of history. */
  windowStart: Date;
  /** No usage after this instant: the start of the current minute. */
  cutoff: Date;
};

/**
 * The current month always holds at least this many days of traffic: early in a month
 * (on the 1st at 00:05, say) those days are compressed into the time that has passed, so
 * the dashboard's "this period" figures and the plan tab's bars show something on any day.
 */
export const CURRENT_MONTH_MIN_DAYS = 3;

export function seedReference(now: Date): TSeedReference {
  const anchor = startOfUtcMonth(now);
  return {
    anchor,
    windowStart: startOfUtcMonth(now, -11),
    cutoff: new Date(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS),
  };
}

// ---------------------------------------------------------------------------
// Generating the dataset (pure)
// ---------------------------------------------------------------------------

type TPrice = { input: Decimal; output: Decimal; cachedInput: Decimal };

const PRICES = new Map<string, TPrice>(
  DEMO_MODEL_PRICES.map((p) => [
    `${p.provider}/${p.model}`,
    {
      input: new Decimal(p.inputPer1M),
      output: new Decimal(p.outputPer1M),
      cachedInput: new Decimal(p.cachedInputPer1M ?? p.inputPer1M),
    },
  ]),
);

/**
 * USD cost of one call. inputTokens counts the whole prompt, cached part included;
 * the cached part is billed at the cached price.
 */
export function callCostUsd(ref: TModelRef, inputTokens: number, cachedInputTokens: number, outputTokens: number): Decimal {
  const price = PRICES.get(`${ref.provider}/${ref.model}`);
  if (!price) throw new Error(`No demo price for ${ref.provider}/${ref.model}`);
  return price.input
    .mul(inputTokens - cachedInputTokens)
    .plus(price.cachedInput.mul(cachedInputTokens))
    .plus(price.output.mul(outputTokens))
    .div(1_000_000);
}

/** Models a client's calls go to: mostly its main model, some to a cheaper sibling. */
function modelMix(primary: TModelRef): { ref: TModelRef; weight: number }[] {
  const sibling: Record<string, TModelRef | undefined> = {
    "claude-sonnet-5-5": { provider: "anthropic", model: "claude-haiku-4-5" },
    "claude-sonnet-4-5": { provider: "anthropic", model: "claude-haiku-4-5" },
    "claude-haiku-4-5": { provider: "anthropic", model: "claude-sonnet-5-5" },
    "gpt-4o": { provider: "openai", model: "gpt-4o-mini" },
    "gpt-4o-mini": { provider: "openai", model: "gpt-4o" },
  };
  const other = sibling[primary.model];
  const share = primary.model.startsWith("claude-sonnet") || primary.model === "gpt-4o" ? 0.2 : 0.08;
  return other ? [{ ref: primary, weight: 1 - share }, { ref: other, weight: share }] : [{ ref: primary, weight: 1 }];
}

function latencyMs(rng: TRandom, ref: TModelRef, outputTokens: number): number {
  const [base, perToken] =
    ref.provider === "ollama" ? [900, 35] : ref.model.includes("mini") || ref.model.includes("haiku") ? [320, 6] : [550, 12];
  return Math.max(80, Math.round((base + perToken * outputTokens) * Math.exp(0.25 * gaussian(rng))));
}

export type TDemoUsageEvent = Prisma.UsageEventCreateManyInput & { id: string; conversationId: string };
export type TDemoConversation = Prisma.ConversationCreateManyInput & { id: string };
export type TDemoMessage = Prisma.MessageCreateManyInput & { id: string };

export type TDemoDataset = {
  events: TDemoUsageEvent[];
  conversations: TDemoConversation[];
  messages: TDemoMessage[];
};

type TMonthUsage = { period: string; conversations: number; messages: number; tokens: number; toolCalls: number; cost: Decimal };

/**
 * One client's usage from its creation (or the window start) to the cutoff. Calls the
 * plan's limits would have refused are not generated, so counters stay within limits.
 */
export function generateClientUsage(
  client: TDemoClient & { id: string; createdAt: Date },
  plan: TPlanDefinition,
  reference: TSeedReference,
): TDemoDataset {
  const events: TDemoUsageEvent[] = [];
  const conversations: TDemoConversation[] = [];
  const messages: TDemoMessage[] = [];

  const anchorMs = reference.anchor.getTime();
  const windowMs = reference.windowStart.getTime();
  const windowDays = (anchorMs - windowMs) / DAY_MS + 31;
  const cutoffMs = reference.cutoff.getTime();
  // The current month's calls are laid out on a virtual timeline of at least
  // CURRENT_MONTH_MIN_DAYS days, then squeezed into [anchor, cutoff]. Past months, and any
  // day after the first few of a month, are untouched (scale 1).
  const virtualEndMs = Math.max(cutoffMs, anchorMs + CURRENT_MONTH_MIN_DAYS * DAY_MS);
  const scale = (cutoffMs - anchorMs) / (virtualEndMs - anchorMs);
  const realMs = (virtualMs: number) =>
    virtualMs < anchorMs || virtualEndMs === cutoffMs ? virtualMs : Math.min(cutoffMs, anchorMs + Math.floor((virtualMs - anchorMs) * scale));
  const createdMs = client.createdAt.getTime();
  const endMs = client.suspendedDaysBeforeAnchor ? anchorMs - client.suspendedDaysBeforeAnchor * DAY_MS : virtualEndMs;
  const conversationsFromMs = Math.floor(virtualEndMs / DAY_MS) * DAY_MS - (CONVERSATION_DAYS - 1) * DAY_MS;

  const primary: TModelRef = client.override ?? {
    provider: plan.features.llmProvider as TLlmProvider,
    model: String(plan.features.llmModel),
  };
  const mix = modelMix(primary);
  const chain = client.fallbackChain ?? [];
  const toolsEnabled = plan.features.toolsEnabled === true;
  const tools = TOOLS[client.industry];
  const tokens = PLAN_TOKENS[client.plan];
  const costLimit = plan.limits.costLimitUSD;
  let month: TMonthUsage | undefined;

  const firstDay = Math.max(Math.floor(createdMs / DAY_MS) * DAY_MS, windowMs);
  for (let dayMs = firstDay; dayMs < endMs; dayMs += DAY_MS) {
    const dayKey = utcDayKey(dayMs);
    const rng = mulberry32(hashSeed(`${client.slug}:${dayKey}`));
    const period = utcPeriod(dayMs);
    if (month?.period !== period) month = { period, conversations: 0, messages: 0, tokens: 0, toolCalls: 0, cost: new Decimal(0) };

    const weekday = new Date(dayMs).getUTCDay();
    const growth = 0.45 + 0.55 * Math.min(1, (dayMs - windowMs) / (windowDays * DAY_MS));
    const rampUp = Math.min(1, 0.35 + (0.65 * (dayMs - createdMs)) / (45 * DAY_MS));
    const expectedCalls =
      PLAN_DAILY_CALLS[client.plan] *
      client.scale *
      growth *
      Math.max(0.2, rampUp) *
      (weekday === 0 || weekday === 6 ? WEEKEND_FACTOR : 1) *
      (0.75 + 0.5 * rng());
    const meanTurns = TURN_WEIGHTS.reduce((sum, w, i) => sum + w * (i + 1), 0) / TURN_WEIGHTS.reduce((a, b) => a + b, 0);
    const conversationCount = Math.floor(expectedCalls / meanTurns + rng());

    // Lay out the day's calls: each conversation starts at a business-weighted time
    // and its turns follow a minute or two apart.
    const calls: { conversation: number; turn: number; atMs: number }[] = [];
    for (let c = 0; c < conversationCount; c++) {
      const turns = weightedIndex(rng, TURN_WEIGHTS) + 1;
      let at = weightedIndex(rng, HOUR_WEIGHTS) * HOUR_MS + Math.floor(rng() * HOUR_MS);
      for (let turn = 1; turn <= turns && at < DAY_MS; turn++) {
        calls.push({ conversation: c, turn, atMs: dayMs + at });
        at += 20_000 + Math.floor(rng() * 160_000);
      }
    }
    calls.sort((a, b) => a.atMs - b.atMs || a.conversation - b.conversation || a.turn - b.turn);

    const refused = new Set<number>();
    const started = new Set<number>();
    const dayConversations = new Map<number, TDemoConversation>();

    calls.forEach((call, index) => {
      // Every attribute is drawn before any decision, so a call's row does not depend
      // on whether later calls are cut off: re-runs later in the day only add rows.
      const fallbackRoll = rng();
      const statusRoll = rng();
      const toolRoll = rng();
      const toolCount = rng() < 0.3 ? 2 : 1;
      const modelRef =
        fallbackRoll < FALLBACK_SHARE[0]! && chain[0]
          ? chain[0]
          : fallbackRoll < FALLBACK_SHARE[0]! + FALLBACK_SHARE[1]! && chain[1]
            ? chain[1]
            : mix[weightedIndex(rng, mix.map((m) => m.weight))]!.ref;
      const status = statusRoll < ERROR_SHARE ? "error" : statusRoll < ERROR_SHARE + PARTIAL_SHARE ? "partial" : "success";
      const toolCalls: Record<string, number> = {};
      if (toolsEnabled && status !== "error" && toolRoll < TOOL_SHARE) {
        const first = pick(rng, tools);
        toolCalls[first] = 1;
        if (toolCount === 2) {
          const second = pick(rng, tools);
          toolCalls[second] = (toolCalls[second] ?? 0) + 1;
        }
      }
      const toolCallCount = Object.values(toolCalls).reduce((a, b) => a + b, 0);
      const contextGrowth = 1 + 0.45 * (call.turn - 1);
      let inputTokens = Math.round(logNormal(rng, tokens.input * contextGrowth, 0.45)) + 350 * toolCallCount;
      let outputTokens = Math.max(5, Math.round(logNormal(rng, tokens.output, 0.55)));
      const cacheShare = 0.4 + 0.35 * rng();
      let cachedInputTokens = modelRef.provider !== "ollama" && call.turn > 1 ? Math.floor(inputTokens * cacheShare) : 0;
      if (status === "partial") outputTokens = Math.max(1, Math.floor(outputTokens * 0.4));
      if (status === "error") {
        inputTokens = 0;
        cachedInputTokens = 0;
        outputTokens = 0;
      }
      const latency =
        status === "error" ? (rng() < 0.4 ? 30_000 : 200 + Math.floor(rng() * 1_300)) : latencyMs(rng, modelRef, outputTokens);
      const cost = status === "error" ? new Decimal(0) : callCostUsd(modelRef, inputTokens, cachedInputTokens, outputTokens);

      if (call.atMs < createdMs || call.atMs > virtualEndMs || call.atMs >= endMs || refused.has(call.conversation)) return;
      // What the plan's enforcement would have refused never became a usage event.
      const m = month!;
      const isNewConversation = !started.has(call.conversation);
      if (isNewConversation && !checkLimit(plan.limits, "conversationsPerMonth", m.conversations).allowed) {
        refused.add(call.conversation);
        return;
      }
      if (
        !checkLimit(plan.limits, "messagesPerMonth", m.messages).allowed ||
        !checkLimit(plan.limits, "tokensPerMonth", m.tokens).allowed ||
        (toolCallCount > 0 && !checkLimit(plan.limits, "toolCallsPerMonth", m.toolCalls).allowed) ||
        (costLimit != null && m.cost.gte(costLimit))
      ) {
        return;
      }
      if (isNewConversation) {
        started.add(call.conversation);
        m.conversations++;
      }
      if (status !== "error") m.messages++;
      m.tokens += inputTokens + outputTokens;
      m.toolCalls += toolCallCount;
      m.cost = m.cost.plus(cost);

      const idempotencyKey = `seed-${client.slug}-${dayKey}-${index}`;
      const eventId = seedUuid(`usage-event/${client.slug}/${idempotencyKey}`);
      const conversationId = seedUuid(`conversation/${client.slug}/${dayKey}/${call.conversation}`);
      const occurredAt = new Date(realMs(call.atMs));
      events.push({
        id: eventId,
        clientId: client.id,
        conversationId,
        idempotencyKey,
        occurredAt,
        provider: modelRef.provider,
        model: modelRef.model,
        inputTokens,
        cachedInputTokens,
        outputTokens,
        tokensEstimated: status === "partial",
        toolCalls,
        toolCallCount,
        latencyMs: latency,
        status,
        costUsd: cost.toFixed(10),
      });

      if (!client.withConversations || dayMs < conversationsFromMs) return;
      // Texts come from their own PRNG so that they never shift the usage numbers. A
      // conversation walks through its industry's questions from a random start, with
      // the odd follow-up, so no question repeats within it.
      const dialogues = DIALOGUES[client.industry];
      const start = Math.floor(mulberry32(hashSeed(conversationId))() * dialogues.length);
      const textRng = mulberry32(hashSeed(eventId));
      const [question, answer] =
        call.turn > 1 && textRng() < 0.4
          ? FOLLOW_UPS[(call.turn - 2) % FOLLOW_UPS.length]!
          : dialogues[(start + call.turn - 1) % dialogues.length]!;
      const values: Record<string, string> = {
        "{n}": String(10_000 + Math.floor(textRng() * 89_999)),
        "{code}": Math.floor(textRng() * 36 ** 6).toString(36).toUpperCase().padStart(6, "X"),
        // 4th..20th: every ordinal in this range ends in "th".
        "{d}": String(4 + Math.floor(textRng() * 17)),
      };
      const fill = (text: string) => text.replace(/\{n\}|\{code\}|\{d\}/g, (placeholder) => values[placeholder]!);
      const userText = fill(question);
      const answeredAt = new Date(Math.max(occurredAt.getTime() + 1, realMs(call.atMs + latency)));
      let conversation = dayConversations.get(call.conversation);
      if (!conversation) {
        conversation = {
          id: conversationId,
          clientId: client.id,
          title: userText.length > 60 ? `${userText.slice(0, 57)}...` : userText,
          metadata: { origin: `https://www.${client.slug}.com`, page: "/help", locale: "en", seeded: true },
          createdAt: occurredAt,
          lastMessageAt: occurredAt,
        };
        dayConversations.set(call.conversation, conversation);
        conversations.push(conversation);
      }
      messages.push({
        id: seedUuid(`message/${eventId}/user`),
        conversationId,
        clientId: client.id,
        role: "user",
        content: userText,
        createdAt: occurredAt,
      });
      conversation.lastMessageAt = occurredAt;
      if (status !== "error") {
        messages.push({
          id: seedUuid(`message/${eventId}/assistant`),
          conversationId,
          clientId: client.id,
          role: "assistant",
          content: status === "partial" ? `${fill(answer).slice(0, 80)}...` : fill(answer),
          usageEventId: eventId,
          createdAt: answeredAt,
        });
        conversation.lastMessageAt = answeredAt;
      }
    });
  }
  return { events, conversations, messages };
}

// ---------------------------------------------------------------------------
// Writing it
// ---------------------------------------------------------------------------

export type TSeedDemoDataOptions = {
  /** The present; defaults to the app's clock. Only its month and minute matter. */
  now?: Date;
  /** How many demo clients (1-25, default all), taken round-robin across plans. */
  clients?: number;
  /** Issue and pay the closed periods' invoices (default true); false leaves billing to the caller. */
  invoices?: boolean;
};

type TCounts = {
  plans: number;
  planVersions: number;
  modelPrices: number;
  clients: number;
  usageEvents: number;
  usageCounters: number;
  conversations: number;
  messages: number;
  adminUsers: number;
  invoices: number;
  /** Charges and refunds. */
  payments: number;
};

export type TSeedSummary = {
  reference: TSeedReference;
  /** Rows this run added (counters: rows written or refreshed). */
  inserted: TCounts;
  /** Rows in the database afterwards. */
  totals: TCounts;
  timingsMs: Record<"plans" | "clients" | "usageEvents" | "conversations" | "usageCounters" | "adminUsers" | "invoices" | "total", number>;
  /** Invoices in the database afterwards, by status. */
  invoicesByStatus: Partial<Record<InvoiceStatus, number>>;
  /** The client whose publishable key is DEMO_WIDGET_KEY; null when this run did not seed it. */
  demoWidgetClient: { slug: string; name: string } | null;
};

/** Business hours on the day `ageDays` before the anchor; the minute varies by client. */
export function demoClientCreatedAt(demo: TDemoClient, reference: TSeedReference): Date {
  const minute = hashSeed(demo.slug) % 480;
  return new Date(reference.anchor.getTime() - demo.ageDays * DAY_MS + 8 * HOUR_MS + minute * 60_000);
}

export function pickDemoClients(count: number = DEMO_CLIENTS.length): TDemoClient[] {
  const byPlan = new Map<TPlanKey, TDemoClient[]>();
  for (const client of DEMO_CLIENTS) byPlan.set(client.plan, [...(byPlan.get(client.plan) ?? []), client]);
  const queues = [...byPlan.values()];
  const picked: TDemoClient[] = [];
  for (let round = 0; picked.length < Math.min(count, DEMO_CLIENTS.length); round++) {
    for (const queue of queues) {
      const client = queue[round];
      if (client && picked.length < count) picked.push(client);
    }
  }
  return picked;
}

function parsedPlans(): TPlanDefinition[] {
  return Object.values(defaultPlans).map((input) => {
    const result = ZPlanDefinition.safeParse(input);
    if (!result.success) {
      throw new Error(`src/config/defaultPlans.ts: plan "${input.key}" is invalid:\n  ${describePlanIssues(result.error).join("\n  ")}`);
    }
    return result.data;
  });
}

async function insertInBatches<T>(rows: T[], insert: (batch: T[]) => Promise<{ count: number }>): Promise<number> {
  let count = 0;
  for (let i = 0; i < rows.length; i += EVENT_BATCH) count += (await insert(rows.slice(i, i + EVENT_BATCH))).count;
  return count;
}

/**
 * Seeds demo data; safe to run again (nothing is duplicated, existing plans, clients
 * and admin users are left as they are, counters are recomputed from the events).
 */
export async function seedDemoData(db: TDb, options: TSeedDemoDataOptions = {}): Promise<TSeedSummary> {
  const started = performance.now();
  let mark = started;
  const lap = () => {
    const at = performance.now();
    const elapsed = Math.round(at - mark);
    mark = at;
    return elapsed;
  };
  const now = options.now ?? clockNow();
  const reference = seedReference(now);
  const demoClients = pickDemoClients(options.clients);

  // Plans: created once from the config file; after that the dashboard owns them
  // (an edit bumps the version), so an existing plan is never overwritten here.
  const plans = parsedPlans();
  const existingPlans = new Set(
    (await db.planConfig.findMany({ select: { key: true }, where: { key: { in: plans.map((p) => p.key) } } })).map((p) => p.key),
  );
  for (const plan of plans.filter((p) => !existingPlans.has(p.key))) {
    await db.planConfig.create({
      data: { ...plan, version: 1, active: true, limits: plan.limits, features: plan.features, pricing: plan.pricing, createdAt: now, updatedAt: now },
    });
  }
  // Version 1 of each plan is in force from before the oldest demo client: billing picks
  // the version a period started under by this date.
  const plansFrom = new Date(Math.min(reference.windowStart.getTime(), ...demoClients.map((c) => demoClientCreatedAt(c, reference).getTime())));
  const planVersions = await db.planConfigVersion.createMany({
    data: plans.map((plan) => ({ planKey: plan.key, version: 1, snapshot: { ...plan, version: 1, active: true }, createdBy: "seed", createdAt: plansFrom })),
    skipDuplicates: true,
  });
  const modelPrices = await db.modelPrice.createMany({
    data: DEMO_MODEL_PRICES.map((p) => ({ ...p, effectiveFrom: MODEL_PRICES_EFFECTIVE_FROM })),
    skipDuplicates: true,
  });
  const planTime = lap();

  // Clients: upserted by slug; an existing client keeps its id and any edits.
  const existingClients = await db.client.count({ where: { slug: { in: demoClients.map((c) => c.slug) } } });
  const clients: (TDemoClient & { id: string; createdAt: Date })[] = [];
  for (const demo of demoClients) {
    const createdAt = demoClientCreatedAt(demo, reference);
    const row = await db.client.upsert({
      where: { slug: demo.slug },
      update: {},
      create: {
        id: seedUuid(`client/${demo.slug}`),
        slug: demo.slug,
        name: demo.name,
        planKey: demo.plan,
        status: demo.suspendedDaysBeforeAnchor ? "suspended" : "active",
        currency: demo.currency ?? "USD",
        billingEmail: `billing@${demo.slug}.com`,
        ...demoBillingDetails(demo),
        llmProvider: demo.override?.provider ?? null,
        llmModel: demo.override?.model ?? null,
        fallbackChain: demo.fallbackChain ?? [],
        alertWebhookUrl: demo.alertWebhook ? `https://hooks.${demo.slug}.com/meterline/alerts` : null,
        // Demo only: a stable, obviously fake signing secret.
        alertWebhookSecret: demo.alertWebhook ? `whsec_demo_${seedUuid(`webhook/${demo.slug}`).replaceAll("-", "")}` : null,
        allowedOrigins: [`https://www.${demo.slug}.com`, `https://${demo.slug}.com`],
        createdAt,
      },
      select: { id: true },
    });
    clients.push({ ...demo, id: row.id, createdAt });
  }
  const demoWidgetClient = clients.find((c) => c.slug === DEMO_WIDGET_CLIENT_SLUG) ?? null;
  if (demoWidgetClient) await ensureDemoWidgetKey(db, demoWidgetClient.id);
  const clientTime = lap();

  // Usage events, generated client by client and written in batches.
  const planByKey = new Map(plans.map((p) => [p.key, p]));
  const allConversations: TDemoConversation[] = [];
  const allMessages: TDemoMessage[] = [];
  let pending: TDemoUsageEvent[] = [];
  let usageEvents = 0;
  const flush = async () => {
    usageEvents += await insertInBatches(pending, async (rows) => ({ count: await insertUsageEvents(db, rows) }));
    pending = [];
  };
  for (const client of clients) {
    const dataset = generateClientUsage(client, planByKey.get(client.plan)!, reference);
    for (const event of dataset.events) pending.push(event);
    allConversations.push(...dataset.conversations);
    allMessages.push(...dataset.messages);
    if (pending.length >= EVENT_BATCH) await flush();
  }
  await flush();
  await seedAbandonedAttempts(db, clients, reference);
  const usageTime = lap();

  const conversations = await insertInBatches(allConversations, (data) => db.conversation.createMany({ data, skipDuplicates: true }));
  const messages = await insertInBatches(allMessages, (data) => db.message.createMany({ data, skipDuplicates: true }));
  const conversationTime = lap();

  const usageCounters = await refreshUsageCounters(
    db,
    clients.map((c) => c.id),
    now,
  );
  const counterTime = lap();

  const existingAdmins = new Set(
    (await db.adminUser.findMany({ select: { email: true }, where: { email: { in: DEMO_ADMIN_USERS.map((u) => u.email) } } })).map(
      (u) => u.email,
    ),
  );
  let adminUsers = 0;
  for (const user of DEMO_ADMIN_USERS.filter((u) => !existingAdmins.has(u.email))) {
    await db.adminUser.upsert({
      where: { email: user.email },
      update: {},
      create: { email: user.email, name: user.name, role: user.role, passwordHash: await bcrypt.hash(user.password, 10) },
    });
    adminUsers++;
  }
  const adminTime = lap();

  // After the clients and their plans: alerts and the outbox messages that told them.
  await seedDemoAlerts(db, now);

  // Last: billing reads the usage counters refreshed above.
  const billed =
    options.invoices === false
      ? { invoices: 0, charges: 0, refunds: 0 }
      : await seedDemoInvoices(db, { clients, now, random: (name) => mulberry32(hashSeed(name)) });
  const invoiceTime = lap();

  const [tPlans, tPlanVersions, tModelPrices, tClients, tEvents, tCounters, tConversations, tMessages, tAdmins, tInvoices, tPayments, byStatus] = await Promise.all([
    db.planConfig.count(),
    db.planConfigVersion.count(),
    db.modelPrice.count(),
    db.client.count(),
    db.usageEvent.count(),
    db.usageCounter.count(),
    db.conversation.count(),
    db.message.count(),
    db.adminUser.count(),
    db.invoice.count(),
    db.payment.count(),
    db.invoice.groupBy({ by: ["status"], _count: { _all: true }, orderBy: { status: "asc" } }),
  ]);

  return {
    reference,
    inserted: {
      plans: plans.length - existingPlans.size,
      planVersions: planVersions.count,
      modelPrices: modelPrices.count,
      clients: demoClients.length - existingClients,
      usageEvents,
      usageCounters,
      conversations,
      messages,
      adminUsers,
      invoices: billed.invoices,
      payments: billed.charges + billed.refunds,
    },
    totals: {
      plans: tPlans,
      planVersions: tPlanVersions,
      modelPrices: tModelPrices,
      clients: tClients,
      usageEvents: tEvents,
      usageCounters: tCounters,
      conversations: tConversations,
      messages: tMessages,
      adminUsers: tAdmins,
      invoices: tInvoices,
      payments: tPayments,
    },
    timingsMs: {
      plans: planTime,
      clients: clientTime,
      usageEvents: usageTime,
      conversations: conversationTime,
      usageCounters: counterTime,
      adminUsers: adminTime,
      invoices: invoiceTime,
      total: Math.round(performance.now() - started),
    },
    invoicesByStatus: Object.fromEntries(byStatus.map((row) => [row.status, row._count._all])),
    demoWidgetClient: demoWidgetClient && { slug: demoWidgetClient.slug, name: demoWidgetClient.name },
  };
}

/**
 * Two chat calls of the first paid client that an app instance crashed on this month:
 * abandoned attempts, shown on the Usage page as unmetered provider spend (the demo's
 * clients never crash on their own). Deterministic ids: a re-run adds nothing.
 */
async function seedAbandonedAttempts(db: TDb, clients: (TDemoClient & { id: string })[], reference: TSeedReference): Promise<void> {
  const client = clients.find((c) => c.plan !== "free" && !c.suspendedDaysBeforeAnchor);
  if (!client) return;
  const anchorMs = reference.anchor.getTime();
  const elapsedMs = reference.cutoff.getTime() - anchorMs;
  const crashes = [
    { share: 0.45, cost: "0.0169" },
    { share: 0.8, cost: "0.0142" },
  ];
  await db.chatAttempt.createMany({
    data: crashes.map((crash, index) => {
      const at = new Date(anchorMs + Math.floor(elapsedMs * crash.share));
      return {
        id: seedUuid(`chat-attempt/${client.slug}/${reference.anchor.toISOString()}/${index}`),
        clientId: client.id,
        idempotencyKey: `seed-crash-${client.slug}-${reference.anchor.toISOString().slice(0, 7)}-${index}`,
        requestHash: "seed",
        status: "abandoned" as const,
        leaseExpiresAt: new Date(at.getTime() + 5 * 60_000),
        estimatedCostUsd: crash.cost,
        createdAt: at,
        updatedAt: new Date(Math.min(at.getTime() + 5 * 60_000, reference.cutoff.getTime())),
      };
    }),
    skipDuplicates: true,
  });
}

/**
 * Gives the demo client the DEMO_WIDGET_KEY publishable key and the demo page's origins.
 * Also on an already-seeded database: missing origins are added (the client's own are
 * kept), and the key is matched by its hash, so a re-run adds nothing twice and a key an
 * admin revoked stays revoked.
 */
async function ensureDemoWidgetKey(db: TDb, clientId: string): Promise<void> {
  const { allowedOrigins } = await db.client.findUniqueOrThrow({ where: { id: clientId }, select: { allowedOrigins: true } });
  const missing = DEMO_WIDGET_ORIGINS.filter((origin) => !allowedOrigins.includes(origin));
  if (missing.length > 0) {
    await db.client.update({ where: { id: clientId }, data: { allowedOrigins: { push: missing } }, select: { id: true } });
  }
  const keyHash = hashApiKey(DEMO_WIDGET_KEY);
  await db.apiKey.upsert({
    where: { keyHash },
    update: {},
    create: { clientId, kind: "publishable", name: "Widget demo (/demo)", prefix: DEMO_WIDGET_KEY.slice(0, 10), keyHash },
    select: { id: true },
  });
}

/**
 * Inserts usage events, skipping any whose id or (client, idempotency key) exists.
 * The batch travels as one JSON parameter: on PGlite this is ~5x faster than
 * createMany (measured: 10,000 rows in 1.5 s against 7.4 s), whose 16 bound
 * parameters per row dominate the seed's run time.
 */
async function insertUsageEvents(db: TDb, rows: TDemoUsageEvent[]): Promise<number> {
  if (rows.length === 0) return 0;
  return db.$executeRawUnsafe(
    `INSERT INTO "UsageEvent" ("id", "clientId", "conversationId", "idempotencyKey", "occurredAt", "provider", "model",
       "inputTokens", "cachedInputTokens", "outputTokens", "tokensEstimated", "toolCalls", "toolCallCount", "latencyMs",
       "status", "costUsd")
     SELECT r."id", r."clientId", r."conversationId", r."idempotencyKey", r."occurredAt", r."provider", r."model",
       r."inputTokens", r."cachedInputTokens", r."outputTokens", r."tokensEstimated", r."toolCalls", r."toolCallCount",
       r."latencyMs", r."status"::"UsageStatus", r."costUsd"
     FROM jsonb_to_recordset($1::jsonb) AS r("id" uuid, "clientId" uuid, "conversationId" uuid, "idempotencyKey" text,
       "occurredAt" timestamptz, "provider" text, "model" text, "inputTokens" int, "cachedInputTokens" int,
       "outputTokens" int, "tokensEstimated" boolean, "toolCalls" jsonb, "toolCallCount" int, "latencyMs" int,
       "status" text, "costUsd" numeric)
     ON CONFLICT DO NOTHING`,
    // Dates serialise as ISO-8601 UTC; costUsd is already a decimal string, so no float is involved.
    JSON.stringify(rows),
  );
}

/**
 * Rebuilds the clients' UsageCounter rows from their UsageEvents in one set-based
 * statement (period in UTC). A message is a call that did not fail; a conversation is
 * a distinct conversationId. Returns the number of counter rows written.
 */
export async function refreshUsageCounters(db: TDb, clientIds: string[], now: Date): Promise<number> {
  if (clientIds.length === 0) return 0;
  const ids = Prisma.join(clientIds.map((id) => Prisma.sql`${id}::uuid`));
  return db.$executeRaw`
    INSERT INTO "UsageCounter" ("clientId", "period", "metric", "value", "updatedAt")
    SELECT u."clientId", u.period, m.metric, m.value, ${now}::timestamptz
    FROM (
      SELECT
        "clientId",
        to_char("occurredAt" AT TIME ZONE 'UTC', 'YYYY-MM') AS period,
        count(*) FILTER (WHERE "status" <> 'error') AS messages,
        count(DISTINCT "conversationId") AS conversations,
        sum("inputTokens") AS input_tokens,
        sum("outputTokens") AS output_tokens,
        sum("toolCallCount") AS tool_calls,
        sum("costUsd") AS cost_usd
      FROM "UsageEvent"
      WHERE "clientId" IN (${ids})
      GROUP BY 1, 2
    ) u
    CROSS JOIN LATERAL (
      VALUES
        ('messages', u.messages::numeric),
        ('conversations', u.conversations::numeric),
        ('inputTokens', u.input_tokens::numeric),
        ('outputTokens', u.output_tokens::numeric),
        ('tokens', (u.input_tokens + u.output_tokens)::numeric),
        ('toolCalls', u.tool_calls::numeric),
        ('costUsd', u.cost_usd)
    ) AS m(metric, value)
    ON CONFLICT ("clientId", "period", "metric")
    DO UPDATE SET "value" = EXCLUDED."value", "updatedAt" = EXCLUDED."updatedAt"
    WHERE "UsageCounter"."value" IS DISTINCT FROM EXCLUDED."value"`;
}

/** Prints what the seed wrote and how to log in to the dashboard. */
export function printLoginHelp(summary: TSeedSummary, log: (line: string) => void = console.log): void {
  const { inserted, totals, timingsMs, reference } = summary;
  const labels: [keyof TCounts, string][] = [
    ["plans", "plans"],
    ["planVersions", "plan versions"],
    ["modelPrices", "model prices"],
    ["clients", "clients"],
    ["usageEvents", "usage events"],
    ["usageCounters", "usage counters"],
    ["conversations", "conversations"],
    ["messages", "messages"],
    ["adminUsers", "admin users"],
    ["invoices", "invoices"],
    ["payments", "payments"],
  ];
  log(`Demo data ready in ${(timingsMs.total / 1000).toFixed(1)} s; usage from ${reference.windowStart.toISOString().slice(0, 10)} to ${reference.cutoff.toISOString()}.`);
  for (const [key, label] of labels) {
    log(`  ${label.padEnd(15)} ${String(totals[key]).padStart(7)}  (+${inserted[key]} this run)`);
  }
  const statuses = Object.entries(summary.invoicesByStatus).map(([status, count]) => `${status} ${count}`);
  if (statuses.length > 0) log(`  invoices by status: ${statuses.join(", ")}`);
  log(`  timings (ms): ${Object.entries(timingsMs).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  log(`Log in at ${new URL("/login", env().NEXTAUTH_URL).toString()} as:`);
  for (const user of DEMO_ADMIN_USERS) log(`  ${user.role.padEnd(6)} ${user.email} / ${user.password}`);
  log("(Admin users that already existed keep their password.)");
  if (summary.demoWidgetClient) {
    log(`Chat widget demo: ${new URL("/demo", env().NEXTAUTH_URL).toString()}`);
    log(`  ${summary.demoWidgetClient.name}'s publishable key ${DEMO_WIDGET_KEY}, allowed from ${DEMO_WIDGET_ORIGINS.join(", ")}`);
  }
}
