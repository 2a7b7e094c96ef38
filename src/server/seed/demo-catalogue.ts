// The demo's fixed inputs, pure data: who the demo tenants are, what the models cost,
// how much traffic each plan sees, the tools and the conversations' texts, the admin
// users and the widget demo's publishable key. No I/O and no server imports beyond
// types: the widget demo page (/demo) imports its key and origins from here.
//
// The generator (generate-demo-usage.ts, generate-demo-tenants.ts) turns these into
// rows; the writer (seed-demo-data.ts) stores them through the domain.
import type { defaultPlans } from "@/server/plans/default-plans";
import type { TLlmProvider, TProviderChain } from "@/shared/plan-config";

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

export const MODEL_PRICES_EFFECTIVE_FROM = new Date("2025-01-01T00:00:00.000Z");

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

export type TPlanKey = keyof typeof defaultPlans;
export type TIndustry = "retail" | "software" | "travel" | "finance" | "health" | "local";
export type TModelRef = { provider: TLlmProvider; model: string };

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
export const DEMO_CLIENTS: readonly TDemoClient[] = [
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
export const PLAN_DAILY_CALLS: Record<TPlanKey, number> = { free: 3, starter: 10, pro: 22, enterprise: 55 };
/** Median prompt and completion tokens of a first turn. */
export const PLAN_TOKENS: Record<TPlanKey, { input: number; output: number }> = {
  free: { input: 240, output: 140 },
  starter: { input: 650, output: 220 },
  pro: { input: 1300, output: 320 },
  enterprise: { input: 1700, output: 380 },
};
export const WEEKEND_FACTOR = 0.4;
/** Relative traffic per UTC hour: European and American business hours overlap. */
export const HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 3, 5, 7, 9, 10, 10, 9, 10, 11, 11, 10, 9, 7, 6, 5, 3, 2, 1];
/** Turns per conversation 1..6 (mean ~2.4). */
export const TURN_WEIGHTS = [35, 25, 18, 10, 7, 5];
export const CONVERSATION_DAYS = 14;
/** Share of calls answered by the first / second fallback provider. */
export const FALLBACK_SHARE = [0.025, 0.004];
/**
 * Share of calls every provider failed. They are drawn, so that they take their place in
 * a day's randomness, but leave no usage event: the app records none for a failed call.
 */
export const ERROR_SHARE = 0.015;
export const PARTIAL_SHARE = 0.005;
export const TOOL_SHARE = 0.3;

export const TOOLS: Record<TIndustry, string[]> = {
  retail: ["lookup_order", "search_docs", "create_ticket", "check_inventory"],
  software: ["search_docs", "create_ticket", "check_subscription"],
  travel: ["lookup_booking", "search_docs", "create_ticket"],
  finance: ["search_docs", "lookup_account", "create_ticket"],
  health: ["search_docs", "book_appointment", "create_ticket"],
  local: ["search_docs", "book_appointment", "create_ticket"],
};

/** The cheaper (or dearer) sibling a client's calls sometimes go to, by main model. */
export const MODEL_SIBLINGS: Record<string, TModelRef | undefined> = {
  "claude-sonnet-5-5": { provider: "anthropic", model: "claude-haiku-4-5" },
  "claude-sonnet-4-5": { provider: "anthropic", model: "claude-haiku-4-5" },
  "claude-haiku-4-5": { provider: "anthropic", model: "claude-sonnet-5-5" },
  "gpt-4o": { provider: "openai", model: "gpt-4o-mini" },
  "gpt-4o-mini": { provider: "openai", model: "gpt-4o" },
};

export const DIALOGUES: Record<TIndustry, [string, string][]> = {
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

export const FOLLOW_UPS: [string, string][] = [
  ["Great, thanks. Can you send that to me by email?", "Done: a summary is on its way to the email address on your account."],
  ["And what if that doesn't work?", "Then reply here or call our support line and mention reference #{n}; someone will pick it up the same day."],
  ["Perfect, that's all I needed.", "Happy to help! Is there anything else I can do for you today?"],
  ["Can I speak to a person?", "Of course. I've passed this conversation to our team; someone will reply here within business hours."],
];

/** Made-up postal addresses of the demo clients. */
export const DEMO_STREETS = ["Market Street", "Harbor Road", "Oak Avenue", "Mill Lane", "Station Square", "Bridge Street"];
export const DEMO_CITIES = ["Portland, OR 97204", "Austin, TX 78701", "Denver, CO 80202", "Madison, WI 53703", "Raleigh, NC 27601"];
