// `npm run chaos`: seeded load-and-fault scenarios against two API and two worker processes (or, with --load,
// the sustained-load mode). Prints the figures of each seed and the totals; exits 1 on any violation, naming the
// seed that reproduces it.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseChaosOptions, USAGE, type ChaosOptions } from './chaos-options.js';
import { discardLogsIfClean, runScenario, type ScenarioResult } from './scenario.js';
import { prepareBuild } from './service-processes.js';
import { runSustainedLoad } from './sustained-load.js';

const log = (line: string) => process.stdout.write(`${line}\n`);
const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

function describe(result: ScenarioResult): string {
  const { faults, statuses } = result;
  const statusText = Object.entries(statuses)
    .map(([key, count]) => `${key} ${count}`)
    .join(', ');
  return (
    `seed ${result.seed}: ${result.seconds} s, requests ${result.requests} (${statusText}), ` +
    `customers ${result.customers} (${result.customersCompletedAfter} completed after the run), checkouts paid ${result.traffic.checkoutsPaid}, entitlement checks ${result.traffic.entitlementChecks}; ` +
    `kills ${faults.kills} (${Object.entries(faults.killsBySlot)
      .map(([slot, count]) => `${slot} ${count}`)
      .join(', ')}), ` +
    `database restarts ${faults.databaseRestarts}, backend terminations ${faults.backendTerminations} (${faults.backendsTerminated} backends), ` +
    `Stripe faults ${faults.stripeFaults}, webhook faults ${faults.webhookFaults}, clock advances ${faults.clockAdvances}, faults skipped ${faults.skipped}; ` +
    `events stored ${result.eventsStored} (retried ${result.eventsRetried}, duplicate deliveries ${result.duplicateDeliveries}; delivery attempts ${Object.entries(
      result.deliveryOutcomes,
    )
      .map(([outcome, count]) => `${outcome} ${count}`)
      .join(', ')}); ` +
    `violations ${result.violations.length}`
  );
}

function reproduceCommand(options: ChaosOptions, seed: number): string {
  return `npm run chaos -- --seed ${seed} --duration ${options.durationMs / 1000}`;
}

async function runSeeds(options: ChaosOptions): Promise<number> {
  const redisUrl = process.env.REDIS_URL ?? process.env.TEST_REDIS_URL;
  log(
    `chaos: ${options.seeds} seed(s) from ${options.seed}, ${options.durationMs / 1000} s each, build ${options.build}, ` +
      `rate limits ${redisUrl === undefined ? 'in memory' : 'in Redis'}; load average ${load()}`,
  );
  prepareBuild(options.build);
  const results: ScenarioResult[] = [];
  for (let seed = options.seed; seed < options.seed + options.seeds; seed += 1) {
    const result = await runScenario({
      seed,
      durationMs: options.durationMs,
      build: options.build,
      redisUrl,
      buyers: options.buyers,
      rates: options.rates,
      log,
    });
    results.push(result);
    log(describe(result));
    const byInvariant: Record<string, number> = {};
    for (const violation of result.violations)
      byInvariant[violation.invariant] = (byInvariant[violation.invariant] ?? 0) + 1;
    if (result.violations.length > 0) log(`  violations by invariant: ${JSON.stringify(byInvariant)}`);
    for (const violation of result.violations.slice(0, 25))
      log(`  VIOLATION [${violation.invariant}] ${violation.detail}`);
    if (result.violations.length > 25) log(`  … and ${result.violations.length - 25} more`);
    if (result.violations.length > 0)
      log(`  process logs kept in ${result.logFolder}; reproduce: ${reproduceCommand(options, seed)}`);
    await discardLogsIfClean(result);
  }
  const sum = (pick: (result: ScenarioResult) => number) =>
    results.reduce((total, result) => total + pick(result), 0);
  const failed = results.filter((result) => result.violations.length > 0);
  log(
    `chaos totals: ${results.length} seed(s), requests ${sum((result) => result.requests)}, ` +
      `kills ${sum((result) => result.faults.kills)}, database restarts ${sum((result) => result.faults.databaseRestarts)}, ` +
      `backend terminations ${sum((result) => result.faults.backendTerminations)}, Stripe faults ${sum((result) => result.faults.stripeFaults)}, ` +
      `webhook faults ${sum((result) => result.faults.webhookFaults)}, events ${sum((result) => result.eventsStored)}, ` +
      `violations ${sum((result) => result.violations.length)}; load average ${load()}`,
  );
  if (options.report !== undefined)
    writeFileSync(options.report, `${JSON.stringify({ loadAverage: loadavg(), results }, null, 2)}\n`);
  if (failed.length > 0) {
    log(
      `chaos FAILED for seed(s) ${failed.map((result) => result.seed).join(', ')}; reproduce with ${reproduceCommand(options, failed[0]!.seed)}`,
    );
    return 1;
  }
  return 0;
}

async function main(): Promise<number> {
  let options;
  try {
    options = parseChaosOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`chaos: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (options.load) return runSustainedLoad(options, log);
  return runSeeds(options);
}

process.exit(await main());
