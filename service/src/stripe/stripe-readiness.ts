// Readiness reports the Stripe circuit without failing the service: with Stripe down, reads, entitlements and
// webhook ingestion still work, so pulling every replica out of the load balancer would make things worse.
// When the breaker is half-open the check makes the trial call itself, so readiness recovers without traffic.
import type { ReadinessCheck } from '../health/readiness.js';
import type { StripeGateway } from './gateway.js';

export function stripeCircuitCheck(stripe: StripeGateway): ReadinessCheck {
  return {
    name: 'stripe',
    optional: true,
    run: async () => {
      if (stripe.circuit.state() === 'half_open') {
        await stripe.probe().catch(() => undefined);
      }
      if (stripe.circuit.state() === 'open') throw new Error(stripe.circuit.describe());
      return stripe.circuit.state();
    },
  };
}
