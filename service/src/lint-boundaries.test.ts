// The import boundaries of eslint.config.js, through ESLint's own API: a deliberate violation of each is reported,
// in a file of the folder it binds, and code that keeps to them is not. Type-aware rules are off here (the files
// exist only as text); the boundary rules read the syntax alone.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const BOUNDARY_RULES = ['@typescript-eslint/no-restricted-imports', 'no-restricted-properties'];

describe('lint boundaries', () => {
  let eslint: ESLint;
  beforeAll(() => {
    eslint = new ESLint({ cwd: repositoryRoot, overrideConfig: tseslint.configs.disableTypeChecked });
  });

  async function lint(file: string, code: string) {
    const [result] = await eslint.lintText(code, { filePath: path.join(repositoryRoot, file) });
    return result?.messages ?? [];
  }
  const boundaryMessages = async (file: string, code: string) =>
    (await lint(file, code)).filter((message) => BOUNDARY_RULES.includes(message.ruleId ?? ''));

  it.each([
    {
      boundary: 'only stripe/ imports the SDK',
      file: 'service/src/catalog/boundary-check.ts',
      code: "import Stripe from 'stripe';\nexport const client = new Stripe('sk_test_x');\n",
      reported: 'Only service/src/stripe/ imports the stripe SDK',
    },
    {
      boundary: 'only stripe/ imports the SDK, types included',
      file: 'service/src/webhooks/handlers/boundary-check.ts',
      code: "import type Stripe from 'stripe';\nexport type Product = Stripe.Product;\n",
      reported: 'Only service/src/stripe/ imports the stripe SDK',
    },
    {
      boundary: 'nothing outside stripe/ imports its SDK-facing modules',
      file: 'service/src/checkout/boundary-check.ts',
      code: "import { toAppError } from '../stripe/stripe-errors.js';\nexport const map = toAppError;\n",
      reported: 'This module of stripe/ faces the SDK',
    },
    {
      boundary: 'routes never reach a repo',
      file: 'service/src/catalog/boundary-check.routes.ts',
      code: "import { listActivePrices } from './catalog.repo.js';\nexport const list = listActivePrices;\n",
      reported: 'Routes never reach a repo',
    },
    {
      boundary: "a feature never imports another feature's repo",
      file: 'service/src/checkout/boundary-check.ts',
      code: "import { findCustomerById } from '../customers/customers.repo.js';\nexport const find = findCustomerById;\n",
      reported: 'One feature uses another through its service',
    },
    {
      boundary: "the inbox's SQL stays inside webhooks/",
      file: 'service/src/admin/boundary-check.ts',
      code: "import { requeueEvents } from '../webhooks/inbox/requeue-events.js';\nexport const requeue = requeueEvents;\n",
      reported: "The inbox's SQL stays inside webhooks/",
    },
    {
      boundary: 'only entry points import the composition root',
      file: 'service/src/webhooks/worker/boundary-check.ts',
      code: "import type { Dependencies } from '../../deps.js';\nexport type Parts = Dependencies;\n",
      reported: 'Only entry points',
    },
    {
      boundary: 'only the config module reads process.env',
      file: 'service/src/checkout/boundary-check.ts',
      code: 'export const secret = process.env.STRIPE_SECRET_KEY;\n',
      reported: 'Only the config module reads process.env',
    },
    {
      boundary: 'the service never imports the emulator',
      file: 'service/src/catalog/boundary-check.ts',
      code: "import { startEmulator } from 'stripe-emulator';\nexport const start = startEmulator;\n",
      reported: 'The service never imports the emulator',
    },
    {
      boundary: 'the emulator never imports the service',
      file: 'emulator/src/resources/boundary-check.ts',
      code: "import { buildApp } from '../../../service/src/app.js';\nexport const build = buildApp;\n",
      reported: 'The emulator never imports the service',
    },
  ])('reports a violation: $boundary', async ({ file, code, reported }) => {
    const messages = await boundaryMessages(file, code);
    expect(messages.map((message) => message.message)).toEqual([expect.stringContaining(reported)]);
  });

  it('passes code that keeps to every boundary', async () => {
    const code = [
      "import type { StripeGateway } from '../stripe/gateway.js';",
      "import type { StripeProduct } from '../stripe/stripe-objects.js';",
      "import { unlessNotFound } from '../stripe/call-outcomes.js';",
      "import { listActivePrices } from './catalog.repo.js';",
      "import type { InboxService } from '../webhooks/inbox/inbox.service.js';",
      'export type Inbox = InboxService;',
      'export const parts = (stripe: StripeGateway, product: StripeProduct) => [stripe, product, unlessNotFound];',
      'export const list = listActivePrices;',
      '',
    ].join('\n');
    expect(await lint('service/src/catalog/boundary-check.ts', code)).toEqual([]);
  });

  it('lets the files a boundary exempts do what it forbids elsewhere', async () => {
    const exempt = [
      {
        file: 'service/src/stripe/boundary-check.ts',
        code: "import Stripe from 'stripe';\nexport { Stripe };\n",
      },
      {
        file: 'service/src/server.ts',
        code: "import { createDependencies } from './deps.js';\nexport { createDependencies };\n",
      },
      {
        file: 'service/src/dev/boundary-check.ts',
        code: "import { startEmulator } from 'stripe-emulator';\nexport { startEmulator };\n",
      },
      {
        file: 'service/src/config/boundary-check.ts',
        code: 'export const environment = process.env;\n',
      },
    ];
    for (const { file, code } of exempt) expect(await boundaryMessages(file, code)).toEqual([]);
  });
});
