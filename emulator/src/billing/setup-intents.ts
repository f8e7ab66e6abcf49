// The succeeded setup intent a setup mode checkout session leaves behind.
import type { EmulatorContext } from '../core/context.js';
import { newId } from '../core/ids.js';
import type { PaymentMethod } from './payment-methods.js';
import { emitOn, nowOn, type ClockId } from './time.js';

/**
 * The setup intent a setup mode checkout session leaves behind (there is no /v1/setup_intents resource: it is
 * reachable through `expand[]=setup_intent` and the `setup_intent.*` events).
 */
export function createSucceededSetupIntent(
  context: EmulatorContext,
  customerId: string,
  paymentMethod: PaymentMethod,
  clock: ClockId,
): string {
  const id = newId('seti');
  const setupIntent = {
    id,
    object: 'setup_intent',
    application: null,
    automatic_payment_methods: null,
    cancellation_reason: null,
    client_secret: `${id}_secret_${newId('x').slice(2)}`,
    created: nowOn(context, clock),
    customer: customerId,
    description: null,
    excluded_payment_method_types: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: {},
    next_action: null,
    on_behalf_of: null,
    payment_method: paymentMethod.id,
    payment_method_configuration_details: null,
    payment_method_options: {
      card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' },
    },
    payment_method_types: ['card'],
    single_use_mandate: null,
    status: 'succeeded',
    usage: 'off_session',
  };
  context.state.table('setup_intent').insert(setupIntent);
  emitOn(context, clock, 'setup_intent.created', setupIntent);
  emitOn(context, clock, 'setup_intent.succeeded', setupIntent);
  return id;
}
