// Keeping the emulator's state on disk: one snapshot file, written atomically after changes and loaded at start.
/* eslint-disable security/detect-non-literal-fs-filename -- the paths are the configured data folder's */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { EmulatorContext } from './context.js';
import type { StateSnapshot } from './store.js';

/** Bumped when the snapshot's layout changes; an older file is refused with how to reset. */
const SNAPSHOT_FORMAT = 1;
const SAVE_DELAY_MS = 200;

interface SnapshotFile {
  format: number;
  apiVersion: string;
  savedAt: number;
  clockNow: number;
  state: StateSnapshot;
  webhookSecrets: Array<[string, string]>;
}

export interface Persistence {
  /** Whether a snapshot was loaded at start (the seed catalog is then not applied again). */
  restored: boolean;
  /** Schedules a save shortly (changes in a burst are written once). */
  scheduleSave(): void;
  /** Writes now if a save is pending; called on close. */
  flush(): void;
}

/**
 * The snapshot is Node's structured serialization (`v8.serialize`) of every table and side collection: unlike
 * JSON it keeps objects that two places share (a subscription's items and the item table) shared after loading,
 * and it keeps Maps and Sets. Idempotency keys, faults, pending webhook deliveries and the delivery log are not
 * kept: a restart forgets them, as a Stripe account would not, but nothing a test relies on across restarts.
 */
export function attachPersistence(context: EmulatorContext, dataDir: string): Persistence {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'state.v8');
  const restored = existsSync(file) && restore(context, file);
  let timer: NodeJS.Timeout | undefined;
  const save = () => {
    timer = undefined;
    const snapshot: SnapshotFile = {
      format: SNAPSHOT_FORMAT,
      apiVersion: context.apiVersion,
      savedAt: Math.floor(Date.now() / 1000),
      clockNow: context.clock.now(),
      state: context.state.snapshot(),
      webhookSecrets: context.webhooks.secretEntries(),
    };
    const temporary = `${file}.tmp`;
    writeFileSync(temporary, serialize(snapshot));
    renameSync(temporary, file);
  };
  return {
    restored,
    scheduleSave() {
      timer ??= setTimeout(save, SAVE_DELAY_MS).unref();
    },
    flush() {
      if (!timer) return;
      clearTimeout(timer);
      save();
    },
  };
}

function restore(context: EmulatorContext, file: string): boolean {
  let snapshot: SnapshotFile;
  try {
    snapshot = deserialize(readFileSync(file)) as SnapshotFile;
  } catch (error) {
    throw new Error(`${unreadable(file)} (${(error as Error).message})`, { cause: error });
  }
  if (snapshot.format !== SNAPSHOT_FORMAT) throw new Error(unreadable(file));
  context.state.restore(snapshot.state);
  for (const [endpointId, secret] of snapshot.webhookSecrets) context.webhooks.setSecret(endpointId, secret);
  // The global clock resumes where it was if it had been moved ahead of wall time.
  const ahead = snapshot.clockNow - context.clock.now();
  if (ahead > 0) context.clock.advance(ahead);
  return true;
}

function unreadable(file: string): string {
  return `The stripe-emulator cannot read its saved state ${file}; delete that file to start empty.`;
}
