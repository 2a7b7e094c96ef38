// The registry: provider name (as in the webhook URL and Payment.provider) -> factory.
// Adding PayPal: write paypal-provider.ts implementing PaymentProvider, add one line here.
import { env } from "@/env";
import { AppError } from "@/server/errors/app-error";
import { createManualProvider } from "./manual-provider";
import { assertProviderConfigured, type PaymentProvider } from "./payment-provider";
import { createStripeProvider } from "./stripe-provider";

/** What the providers read from the environment; tests pass their own. */
export type TPaymentsConfig = {
  STRIPE_SECRET_KEY?: string;
  STRIPE_WEBHOOK_SECRET?: string;
  STRIPE_API_BASE?: string;
};

// Factories read the configuration only if they need it: bank transfers work whatever env holds.
const PROVIDER_FACTORIES: Record<string, (readConfig: () => TPaymentsConfig) => PaymentProvider> = {
  manual: () => createManualProvider(),
  stripe: (readConfig) => {
    const config = readConfig();
    return createStripeProvider({ secretKey: config.STRIPE_SECRET_KEY, webhookSecret: config.STRIPE_WEBHOOK_SECRET, apiBase: config.STRIPE_API_BASE });
  },
};

export const PAYMENT_PROVIDER_NAMES = Object.keys(PROVIDER_FACTORIES);

export type TGetPaymentProvider = (name: string) => PaymentProvider;

/** A provider by name, possibly not configured (ask isConfigured()). Unknown name: NOT_FOUND. */
export function createPaymentProvider(name: string, config: TPaymentsConfig | (() => TPaymentsConfig)): PaymentProvider {
  const factory = Object.hasOwn(PROVIDER_FACTORIES, name) ? PROVIDER_FACTORIES[name] : undefined;
  if (!factory) {
    throw new AppError("NOT_FOUND", `Unknown payment provider "${name}"; known: ${PAYMENT_PROVIDER_NAMES.join(", ")}.`, { provider: name });
  }
  return factory(typeof config === "function" ? config : () => config);
}

/** How the dashboard and messages name a provider ("Stripe", "Bank transfer"); the name itself when unknown. */
export function paymentProviderLabel(name: string): string {
  return Object.hasOwn(PROVIDER_FACTORIES, name) ? createPaymentProvider(name, {}).label : name;
}

const fromEnv = new Map<string, PaymentProvider>();

/**
 * The provider as the environment configures it, ready to use: a provider that is not
 * configured throws an AppError naming the missing variables, before any call is made.
 */
export function getPaymentProvider(name: string, config?: TPaymentsConfig): PaymentProvider {
  let provider = config ? createPaymentProvider(name, config) : fromEnv.get(name);
  if (!provider) {
    provider = createPaymentProvider(name, env);
    fromEnv.set(name, provider);
  }
  assertProviderConfigured(provider);
  return provider;
}
