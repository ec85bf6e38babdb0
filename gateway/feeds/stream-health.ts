/** The MQTT streams a gateway consumes. */
export const STREAM_NAMES = ['gauges', 'avl'] as const;
export type StreamName = (typeof STREAM_NAMES)[number];

/** One stream as `/api/health` reports it. */
export interface StreamReport {
  /** `stalled`: a message has been in hand longer than the stall limit (its storage keeps failing). */
  state: 'idle' | 'flowing' | 'stalled';
  stored: number;
  deadLettered: number;
  /** Given up unacknowledged (to be sent again by the publisher). */
  notStored: number;
  lastStoredAt: string | null;
  lastDeadLetterAt: string | null;
  /** While stalled: for how long, and the last error. */
  stalledForS?: number;
  lastError?: string;
}

/** One message being stored. */
export interface InHand {
  failed(err: unknown): void;
  end(outcome: 'stored' | 'dead_letter' | 'not_stored'): void;
}

interface Counts {
  stored: number;
  deadLettered: number;
  notStored: number;
  storedAt: number | null;
  deadAt: number | null;
}

/**
 * What each MQTT stream's consumer is doing. A message is acknowledged only once stored or dead-lettered, so one
 * whose storage keeps failing holds back what follows it: the stream is reported stalled once the oldest message
 * in hand has waited `stallAfterMs`.
 */
export class StreamMonitor {
  private readonly inHand = new Map<StreamName, Set<{ since: number; error: string | null }>>();
  private readonly counts = new Map<StreamName, Counts>();

  constructor(readonly stallAfterMs = 30_000) {}

  begin(stream: StreamName, now = Date.now()): InHand {
    const item = { since: now, error: null as string | null };
    const set = this.inHand.get(stream) ?? new Set();
    this.inHand.set(stream, set.add(item));
    return {
      failed: (err) => (item.error = err instanceof Error ? err.message : String(err)),
      end: (outcome) => {
        set.delete(item);
        const c = this.countsOf(stream);
        const at = Date.now();
        if (outcome === 'stored') [c.stored, c.storedAt] = [c.stored + 1, at];
        else if (outcome === 'dead_letter') [c.deadLettered, c.deadAt] = [c.deadLettered + 1, at];
        else c.notStored++;
      },
    };
  }

  report(now = Date.now()): Record<StreamName, StreamReport> {
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    const out = {} as Record<StreamName, StreamReport>;
    for (const name of STREAM_NAMES) {
      const c = this.countsOf(name);
      const hand = [...(this.inHand.get(name) ?? [])];
      const oldest = hand.reduce<(typeof hand)[number] | null>((a, b) => (!a || b.since < a.since ? b : a), null);
      const base = {
        stored: c.stored,
        deadLettered: c.deadLettered,
        notStored: c.notStored,
        lastStoredAt: iso(c.storedAt),
        lastDeadLetterAt: iso(c.deadAt),
      };
      if (oldest && now - oldest.since >= this.stallAfterMs) {
        out[name] = {
          state: 'stalled',
          ...base,
          stalledForS: Math.round((now - oldest.since) / 1000),
          ...(oldest.error ? { lastError: oldest.error.slice(0, 300) } : {}),
        };
      } else out[name] = { state: hand.length || c.stored + c.deadLettered > 0 ? 'flowing' : 'idle', ...base };
    }
    return out;
  }

  private countsOf(stream: StreamName): Counts {
    let c = this.counts.get(stream);
    if (!c) this.counts.set(stream, (c = { stored: 0, deadLettered: 0, notStored: 0, storedAt: null, deadAt: null }));
    return c;
  }
}
