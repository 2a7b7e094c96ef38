// Which payment providers this deployment can use: the dashboard shows it, and the
// charge action is offered only for a configured provider that can charge.
import { z } from "zod";
import { createPaymentProvider, PAYMENT_PROVIDER_NAMES, type TPaymentsConfig } from "./payment-providers";

export const ZPaymentProviderStatus = z.object({
  name: z.string(),
  label: z.string(),
  configured: z.boolean(),
  /** Environment variables still to set; empty when configured. */
  missing: z.array(z.string()),
  canCharge: z.boolean(),
});
export type TPaymentProviderStatus = z.infer<typeof ZPaymentProviderStatus>;

export function listPaymentProviders(config: TPaymentsConfig | (() => TPaymentsConfig)): TPaymentProviderStatus[] {
  return PAYMENT_PROVIDER_NAMES.map((name) => {
    const provider = createPaymentProvider(name, config);
    const check = provider.isConfigured();
    return {
      name: provider.name,
      label: provider.label,
      configured: check.ok,
      missing: check.ok ? [] : check.missing,
      canCharge: provider.canCharge,
    };
  });
}
