import { startEmulator } from './index.js';

const emulator = await startEmulator({
  port: Number(process.env.STRIPE_EMULATOR_PORT ?? 12111),
  logLevel: 'info',
});
emulator.context.logger.info({ url: emulator.url }, 'stripe-emulator listening');
