// The fund_cash_balance test helper: a bank transfer to a customer's cash balance.
import type { FastifyInstance } from 'fastify';
import { fundCashBalance } from '../billing/customer-balance.js';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest, missingParam } from '../core/errors.js';
import { optionalInteger, optionalString, requiredString } from '../core/params.js';
import { requestParams } from '../core/request-params.js';
import { customers } from './customer-object.js';

export function registerCustomerBalanceRoutes(app: FastifyInstance, context: EmulatorContext): void {
  app.post<{ Params: { id: string } }>(
    '/v1/test_helpers/customers/:id/fund_cash_balance',
    async (request) => {
      const params = requestParams(request);
      const customer = customers(context).get(request.params.id, 'customer');
      const amount = optionalInteger(params, 'amount');
      if (amount === undefined || amount === null) throw missingParam('amount');
      if (amount <= 0) throw invalidRequest('Invalid positive integer', 'amount');
      const currency = requiredString(params, 'currency').toLowerCase();
      return fundCashBalance(
        context,
        customer.id,
        amount,
        currency,
        optionalString(params, 'reference') ?? null,
      );
    },
  );
}
