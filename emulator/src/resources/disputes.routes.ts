// The /v1/disputes routes: list, retrieve, update (metadata, evidence, submit) and close.
import type { FastifyInstance } from 'fastify';
import { closeDispute, disputes } from '../billing/disputes.js';
import { clockOfCustomer, emitOn } from '../billing/time.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { previousAttributes } from '../core/events.js';
import { matchesCreated, paginate } from '../core/list.js';
import { applyMetadata, optionalBoolean, optionalHash, optionalString } from '../core/params.js';
import { requestParams } from '../core/request-params.js';

export function registerDisputeRoutes(app: FastifyInstance, context: EmulatorContext): void {
  context.state.registerIdPrefix('dp', 'dispute');
  const table = disputes(context);
  const clockOf = (chargeId: string) =>
    clockOfCustomer(context, context.state.table('charge').find(chargeId)?.customer as string | null);

  app.get('/v1/disputes', async (request) => {
    const params = requestParams(request);
    const charge = optionalString(params, 'charge');
    const paymentIntent = optionalString(params, 'payment_intent');
    const rows = table.list(
      (row) =>
        (charge === undefined || row.charge === charge) &&
        (paymentIntent === undefined || row.payment_intent === paymentIntent) &&
        matchesCreated(row.created, params),
    );
    return paginate(rows, params, '/v1/disputes');
  });

  app.get<{ Params: { id: string } }>('/v1/disputes/:id', async (request) =>
    table.get(request.params.id, 'dispute'),
  );

  app.post<{ Params: { id: string } }>('/v1/disputes/:id', async (request) => {
    const params = requestParams(request);
    const dispute = table.get(request.params.id, 'dispute');
    if (['won', 'lost', 'warning_closed'].includes(dispute.status)) {
      throw invalidRequest(
        'This dispute is closed and can no longer be updated.',
        undefined,
        'dispute_already_closed',
      );
    }
    const before = structuredClone(dispute);
    dispute.metadata = applyMetadata(dispute.metadata, params);
    const evidence = optionalHash(params, 'evidence');
    if (evidence) {
      const stored = dispute.evidence as Record<string, unknown>;
      for (const field of Object.keys(evidence)) stored[field] = optionalString(evidence, field) ?? null;
      (dispute.evidence_details as Record<string, unknown>).has_evidence = true;
    }
    if (optionalBoolean(params, 'submit')) {
      const details = dispute.evidence_details as { submission_count: number };
      details.submission_count += 1;
      dispute.status = dispute.status.startsWith('warning_') ? 'warning_under_review' : 'under_review';
    }
    const changed = previousAttributes(before, dispute);
    if (Object.keys(changed).length > 0)
      emitOn(context, clockOf(dispute.charge), 'charge.dispute.updated', dispute, changed);
    return dispute;
  });

  app.post<{ Params: { id: string } }>('/v1/disputes/:id/close', async (request) => {
    const dispute = table.get(request.params.id, 'dispute');
    closeDispute(context, dispute, clockOf(dispute.charge));
    return dispute;
  });
}
