// Disputes the dispute test cards open on a succeeded charge, and closing (accepting) one.
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { StripeObject } from '../core/store.js';
import type { Charge } from './charges.js';
import { emitOn, nowOn, type ClockId } from './time.js';

export interface Dispute extends StripeObject {
  object: 'dispute';
  amount: number;
  charge: string;
  created: number;
  currency: string;
  metadata: Record<string, string>;
  payment_intent: string | null;
  reason: string;
  status:
    | 'warning_needs_response'
    | 'warning_under_review'
    | 'warning_closed'
    | 'needs_response'
    | 'under_review'
    | 'won'
    | 'lost';
  [key: string]: unknown;
}

const EVIDENCE_FIELDS = [
  'access_activity_log',
  'billing_address',
  'cancellation_policy',
  'cancellation_policy_disclosure',
  'cancellation_rebuttal',
  'customer_communication',
  'customer_email_address',
  'customer_name',
  'customer_purchase_ip',
  'customer_signature',
  'duplicate_charge_documentation',
  'duplicate_charge_explanation',
  'duplicate_charge_id',
  'product_description',
  'receipt',
  'refund_policy',
  'refund_policy_disclosure',
  'refund_refusal_explanation',
  'service_date',
  'service_documentation',
  'shipping_address',
  'shipping_carrier',
  'shipping_date',
  'shipping_documentation',
  'shipping_tracking_number',
  'uncategorized_file',
  'uncategorized_text',
] as const;

export function disputes(context: EmulatorContext) {
  return context.state.table<Dispute>('dispute');
}

/**
 * What the cardholder's bank does right after a dispute test card's charge: an inquiry (no funds move, status
 * `warning_needs_response`) or a fraudulent chargeback (`needs_response`, funds withdrawn), with its events.
 */
export function openDispute(
  context: EmulatorContext,
  charge: Charge,
  kind: 'inquiry' | 'chargeback',
  clock: ClockId,
): Dispute {
  const now = nowOn(context, clock);
  const details = charge.payment_method_details as { card?: { brand?: string } } | null;
  const dispute: Dispute = {
    id: newId('dp'),
    object: 'dispute',
    amount: charge.amount,
    balance_transactions: [],
    charge: charge.id,
    created: now,
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: { ...Object.fromEntries(EVIDENCE_FIELDS.map((field) => [field, null])), enhanced_evidence: {} },
    evidence_details: {
      due_by: now + 7 * 86_400,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
    },
    is_charge_refundable: kind === 'inquiry',
    livemode: false,
    metadata: {},
    payment_intent: charge.payment_intent,
    payment_method_details: {
      card: {
        brand: details?.card?.brand ?? 'visa',
        case_type: kind,
        network: details?.card?.brand ?? 'visa',
        network_reason_code: '10.4',
      },
      type: 'card',
    },
    reason: kind === 'inquiry' ? 'general' : 'fraudulent',
    status: kind === 'inquiry' ? 'warning_needs_response' : 'needs_response',
  };
  disputes(context).insert(dispute);
  const before = { disputed: charge.disputed };
  charge.disputed = true;
  emitOn(context, clock, 'charge.dispute.created', dispute);
  emitOn(context, clock, 'charge.updated', charge, before);
  if (kind === 'chargeback') emitOn(context, clock, 'charge.dispute.funds_withdrawn', dispute);
  return dispute;
}

/** Closing is accepting the dispute: a chargeback is lost, an inquiry simply closes. */
export function closeDispute(context: EmulatorContext, dispute: Dispute, clock: ClockId): void {
  if (
    !['warning_needs_response', 'warning_under_review', 'needs_response', 'under_review'].includes(
      dispute.status,
    )
  ) {
    throw invalidRequest(
      `This dispute is already closed (status: ${dispute.status}).`,
      undefined,
      'dispute_already_closed',
    );
  }
  const before = { status: dispute.status };
  dispute.status = dispute.status.startsWith('warning_') ? 'warning_closed' : 'lost';
  dispute.is_charge_refundable = false;
  emitOn(context, clock, 'charge.dispute.closed', dispute, before);
}
