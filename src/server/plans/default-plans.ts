// Default plans. They seed the PlanConfig table once (`npm run db:seed`); after
// that the dashboard owns the plans and edits them without a code change.
//
// Limit metric names: see PLAN_LIMIT_METRICS (null = unlimited). Pricing metric
// names are UsageCounter metrics (messages, tokens, toolCalls). Money is a decimal
// string in the plan's currency. Tier bounds count raw units (tokens) above the
// included ones; `unit: 1000` prices tokens per thousand.
//
// LLM cost settings (`optimization`, ZPlanOptimization) rise with the plan: Free runs a
// local model and only compresses; Starter caps the prompt and routes simple messages;
// Pro adds summaries, names Haiku as its cheap model and degrades to it at 80 % of its
// cost limit; Enterprise buys answer quality (a wide budget with summaries, no routing,
// and no cost limit to degrade at).
import type { TPlanDefinitionInput } from "@/shared/plan-config";

const UPGRADE_URL = "https://meterline.local/pricing";

export const defaultPlans = {
  free: {
    key: "free",
    name: "Free",
    description: "Try the widget on one site with a local model. Hard limits, no usage billing.",
    sortOrder: 0,
    limits: {
      conversationsPerMonth: 100,
      messagesPerMonth: 500,
      tokensPerMonth: 100_000,
      toolCallsPerMonth: 0,
      costLimitUSD: 1,
      requestsPerMinute: 10,
      integrationsEnabled: 0,
    },
    features: {
      llmProvider: "ollama",
      llmModel: "llama3.2",
      toolsEnabled: false,
      customBranding: false,
      prioritySupport: false,
      supportLevel: "community",
    },
    pricing: {
      baseCost: "0",
      currency: "USD",
      prorationMode: "none",
      metrics: {},
    },
    alertThresholds: [80, 100],
    upgradeMessage: "You have reached the Free plan's monthly limit. Upgrade to Starter for 10x the volume.",
    upgradeUrl: UPGRADE_URL,
    optimization: { contextBudgetTokens: null, losslessCompression: true },
  },

  starter: {
    key: "starter",
    name: "Starter",
    description: "For small teams: hosted models, higher limits, pay-as-you-go above the included usage.",
    sortOrder: 1,
    limits: {
      conversationsPerMonth: 1_000,
      messagesPerMonth: 5_000,
      tokensPerMonth: 5_000_000,
      toolCallsPerMonth: 0,
      costLimitUSD: 50,
      requestsPerMinute: 60,
      integrationsEnabled: 2,
    },
    features: {
      llmProvider: "openai",
      llmModel: "gpt-4o-mini",
      toolsEnabled: false,
      customBranding: true,
      prioritySupport: false,
      supportLevel: "email",
    },
    pricing: {
      baseCost: "29",
      currency: "USD",
      usageMultiplier: "1",
      prorationMode: "daily",
      metrics: {
        messages: { unitPrice: "0.002", includedUnits: 2_000 },
        tokens: { unitPrice: "0.0010", includedUnits: 1_000_000, unit: 1_000 },
      },
    },
    alertThresholds: [50, 80, 100],
    upgradeUrl: UPGRADE_URL,
    optimization: {
      contextBudgetTokens: 4_000,
      routing: { enabled: true, maxChars: 280, maxDepth: 6, cheapQuestionTypes: ["greeting", "factual"] },
    },
  },

  pro: {
    key: "pro",
    name: "Pro",
    description: "Claude Sonnet by default, tool calling, custom branding and graduated token pricing.",
    sortOrder: 2,
    limits: {
      conversationsPerMonth: 10_000,
      messagesPerMonth: 25_000,
      tokensPerMonth: 25_000_000,
      toolCallsPerMonth: 5_000,
      costLimitUSD: 500,
      requestsPerMinute: 300,
      integrationsEnabled: 10,
    },
    features: {
      llmProvider: "anthropic",
      llmModel: "claude-sonnet-5-5",
      toolsEnabled: true,
      customBranding: true,
      prioritySupport: false,
      supportLevel: "email",
    },
    pricing: {
      baseCost: "99",
      currency: "USD",
      usageMultiplier: "1",
      prorationMode: "daily",
      metrics: {
        messages: { unitPrice: "0.0015", includedUnits: 10_000 },
        tokens: {
          unitPrice: "0.008",
          includedUnits: 3_000_000,
          unit: 1_000,
          tiers: {
            mode: "graduated",
            tiers: [
              { upTo: 5_000_000, unitPrice: "0.008" },
              { upTo: 20_000_000, unitPrice: "0.007" },
              { upTo: null, unitPrice: "0.006" },
            ],
          },
        },
        toolCalls: { unitPrice: "0.001", includedUnits: 2_000 },
      },
    },
    alertThresholds: [80, 100],
    upgradeUrl: UPGRADE_URL,
    optimization: {
      contextBudgetTokens: 8_000,
      summarizeOlderTurns: true,
      routing: {
        enabled: true,
        maxChars: 280,
        maxDepth: 6,
        cheapQuestionTypes: ["greeting", "factual"],
        cheapModel: { provider: "anthropic", model: "claude-haiku-4-5" },
      },
      // costLimitUSD is 500: past 400 USD in a month, messages go to Haiku until the limit refuses.
      degradeAtCostPercent: 80,
    },
  },

  enterprise: {
    key: "enterprise",
    name: "Enterprise",
    description: "Unlimited volume with volume-discounted tokens, SSO, priority support and a dedicated channel.",
    sortOrder: 3,
    limits: {
      conversationsPerMonth: null,
      messagesPerMonth: null,
      tokensPerMonth: null,
      toolCallsPerMonth: null,
      costLimitUSD: null,
      requestsPerMinute: 1_200,
      integrationsEnabled: null,
    },
    features: {
      llmProvider: "anthropic",
      llmModel: "claude-sonnet-5-5",
      toolsEnabled: true,
      customBranding: true,
      prioritySupport: true,
      sso: true,
      supportLevel: "dedicated",
    },
    pricing: {
      baseCost: "499",
      currency: "USD",
      usageMultiplier: "1",
      prorationMode: "exact",
      metrics: {
        messages: { unitPrice: "0.001", includedUnits: 100_000 },
        tokens: {
          unitPrice: "0.007",
          includedUnits: 20_000_000,
          unit: 1_000,
          tiers: {
            mode: "volume",
            tiers: [
              { upTo: 50_000_000, unitPrice: "0.007" },
              { upTo: 250_000_000, unitPrice: "0.006" },
              { upTo: null, unitPrice: "0.005" },
            ],
          },
        },
        toolCalls: { unitPrice: "0.0005", includedUnits: 50_000 },
      },
    },
    alertThresholds: [80, 100, 120],
    upgradeMessage: "Your usage is above your contract's forecast. Your account manager will be in touch.",
    upgradeUrl: UPGRADE_URL,
    optimization: { contextBudgetTokens: 16_000, summarizeOlderTurns: true },
  },
} satisfies Record<string, TPlanDefinitionInput>;

export type TDefaultPlanKey = keyof typeof defaultPlans;
