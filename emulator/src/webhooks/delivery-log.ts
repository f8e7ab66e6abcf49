// The log of webhook delivery attempts that tests read.
/** One HTTP attempt to deliver one event to one endpoint, as tests read it from the delivery log. */
export interface DeliveryAttempt {
  /** Shared by every attempt of the same delivery (one event to one endpoint; duplicates and resends get their own). */
  delivery_id: string;
  event_id: string;
  event_type: string;
  endpoint_id: string;
  url: string;
  /** 1 for the first attempt of a delivery. */
  attempt: number;
  /** `original`, a `duplicate` injected by a fault, or a `resend` through the control API. */
  kind: DeliveryKind;
  /** The receiver's status, or null when no response came (timeout, refused, reset). */
  status_code: number | null;
  error: string | null;
  succeeded: boolean;
  /** The `t=` of the signature: wall-clock unix seconds at send time (never the emulator or a test clock). */
  signed_at: number;
  /** Wall-clock milliseconds. */
  started_at: number;
  finished_at: number;
  /** When the next attempt is due (wall-clock ms), null when this was the last one. */
  next_retry_at: number | null;
}

export type DeliveryKind = 'original' | 'duplicate' | 'resend';

export interface DeliveryFilter {
  event_id?: string;
  endpoint_id?: string;
  event_type?: string;
}

/** The newest attempts, bounded so a long load test cannot grow it without end. */
export class DeliveryLog {
  private attempts: DeliveryAttempt[] = [];

  constructor(private readonly maxEntries = 20_000) {}

  record(attempt: DeliveryAttempt): void {
    this.attempts.push(attempt);
    if (this.attempts.length > this.maxEntries) {
      this.attempts = this.attempts.slice(-Math.floor(this.maxEntries * 0.9));
    }
  }

  /** Oldest first, so a test reads attempts in the order they happened. */
  list(filter: DeliveryFilter = {}): DeliveryAttempt[] {
    return this.attempts.filter(
      (attempt) =>
        (filter.event_id === undefined || attempt.event_id === filter.event_id) &&
        (filter.endpoint_id === undefined || attempt.endpoint_id === filter.endpoint_id) &&
        (filter.event_type === undefined || attempt.event_type === filter.event_type),
    );
  }

  clear(): void {
    this.attempts = [];
  }
}
