import type { ReportCaseInput } from '../../../contracts/cases';

/**
 * The inspector's 待发箱 (offline outbox). Every report goes through it: it is stored on the phone first (with
 * its photos as Blobs and a client-generated idempotency key), then sent. A report whose sending fails for want
 * of a connection stays and is sent again when the connection returns; the server returns the same case for the
 * same key, and the outbox only ever runs one flush at a time, so each report becomes exactly one case.
 */

/** The report's fields other than the key and the photos, as the form produced them. */
export type OutboxReport = Omit<ReportCaseInput, 'idempotencyKey' | 'photoIds' | 'coordSystem' | 'channel' | 'urgent'> & {
  urgent?: boolean;
};

export interface OutboxItem {
  /** The idempotency key (crypto.randomUUID()). */
  key: string;
  createdAt: string;
  report: OutboxReport;
  /** Photos not yet uploaded, in order. */
  photos: Blob[];
  /** Photos already uploaded (kept so a retry does not upload them again). */
  photoIds: number[];
  attempts: number;
  /** `failed`: the server refused the report (not a connection problem); it waits for the inspector. */
  state: 'queued' | 'failed';
  lastError: string | null;
}

/** Where items live between page loads (IndexedDB in the browser). */
export interface OutboxStore {
  all(): Promise<OutboxItem[]>;
  put(item: OutboxItem): Promise<void>;
  delete(key: string): Promise<void>;
}

/** How items reach the server. */
export interface OutboxSender {
  uploadPhoto(photo: Blob): Promise<number>;
  report(input: ReportCaseInput): Promise<{ id: number; code: string; created: boolean }>;
}

/** Failures worth retrying later: no connection, the gateway not reachable or not ready, the session gone. */
export type RetryClassifier = (err: unknown) => boolean;

export type SendOutcome =
  | { key: string; status: 'sent'; caseId: number; code: string; created: boolean }
  | { key: string; status: 'kept'; error: string }
  | { key: string; status: 'failed'; error: string };

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export function newOutboxItem(key: string, report: OutboxReport, photos: Blob[], now: Date = new Date()): OutboxItem {
  return {
    key,
    createdAt: now.toISOString(),
    report,
    photos: [...photos],
    photoIds: [],
    attempts: 0,
    state: 'queued',
    lastError: null,
  };
}

/** The body of `POST /api/cases` for an item whose photos are all uploaded. */
export function reportInputOf(item: OutboxItem): ReportCaseInput {
  const r = item.report;
  return {
    idempotencyKey: item.key,
    categoryCode: r.categoryCode,
    description: r.description,
    lon: r.lon,
    lat: r.lat,
    coordSystem: 'wgs84',
    ...(r.address ? { address: r.address } : {}),
    photoIds: item.photoIds,
    channel: 'inspector',
    observedAt: r.observedAt ?? item.createdAt,
    urgent: r.urgent ?? false,
    ...(r.contact ? { contact: r.contact } : {}),
  };
}

export class Outbox {
  private flushing: Promise<SendOutcome[]> | null = null;
  private again = false;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly store: OutboxStore,
    private readonly sender: OutboxSender,
    private readonly retryable: RetryClassifier,
  ) {}

  /** Called after every change of the stored items (for the 待发 count). */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  items(): Promise<OutboxItem[]> {
    return this.store.all().then((all) => [...all].sort((a, b) => a.createdAt.localeCompare(b.createdAt)));
  }

  async add(item: OutboxItem): Promise<void> {
    await this.store.put(item);
    this.changed();
  }

  /** Drops an item the inspector gave up on. */
  async remove(key: string): Promise<void> {
    await this.store.delete(key);
    this.changed();
  }

  /** Puts a refused item back in the queue (after the inspector fixed what was wrong, or to try once more). */
  async retry(key: string): Promise<void> {
    const item = (await this.store.all()).find((i) => i.key === key);
    if (!item) return;
    await this.store.put({ ...item, state: 'queued', lastError: null });
    this.changed();
  }

  /**
   * Replaces a report the server refused with the inspector's corrected one under the same key (nothing was made
   * under it) and queues it again: `photos` still to upload, `photoIds` those of its photos already uploaded that
   * the inspector kept. An item deleted meanwhile is added anew.
   */
  async edit(key: string, report: OutboxReport, photos: Blob[], photoIds: number[]): Promise<void> {
    const item = (await this.store.all()).find((i) => i.key === key) ?? newOutboxItem(key, report, []);
    await this.store.put({ ...item, report, photos: [...photos], photoIds: [...photoIds], state: 'queued', lastError: null });
    this.changed();
  }

  /** One stored item, or null. */
  async item(key: string): Promise<OutboxItem | null> {
    return (await this.store.all()).find((i) => i.key === key) ?? null;
  }

  /**
   * Sends every queued item, oldest first, one at a time. A flush asked for while one runs does not start a
   * second one: it makes the running one look again when it ends (items added meanwhile are sent too). The
   * first connection failure stops the pass — later items would fail the same way.
   */
  flush(): Promise<SendOutcome[]> {
    if (this.flushing) {
      this.again = true;
      return this.flushing;
    }
    const run = async (): Promise<SendOutcome[]> => {
      const outcomes: SendOutcome[] = [];
      do {
        this.again = false;
        for (const item of await this.items()) {
          if (item.state !== 'queued' || outcomes.some((o) => o.key === item.key && o.status !== 'kept')) continue;
          const outcome = await this.send(item);
          outcomes.push(outcome);
          if (outcome.status === 'kept') return outcomes;
        }
      } while (this.again);
      return outcomes;
    };
    this.flushing = run().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async send(original: OutboxItem): Promise<SendOutcome> {
    let item: OutboxItem = { ...original, attempts: original.attempts + 1 };
    try {
      while (item.photos.length > 0) {
        const [photo, ...rest] = item.photos;
        const id = await this.sender.uploadPhoto(photo!);
        item = { ...item, photos: rest, photoIds: [...item.photoIds, id] };
        await this.store.put(item);
      }
      const result = await this.sender.report(reportInputOf(item));
      await this.store.delete(item.key);
      this.changed();
      return { key: item.key, status: 'sent', caseId: result.id, code: result.code, created: result.created };
    } catch (err) {
      const error = messageOf(err);
      const keep = this.retryable(err);
      item = { ...item, state: keep ? 'queued' : 'failed', lastError: error };
      await this.store.put(item);
      this.changed();
      return { key: item.key, status: keep ? 'kept' : 'failed', error };
    }
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}

/** An outbox store in memory (for a browser without IndexedDB; items then last as long as the page). */
export class MemoryOutboxStore implements OutboxStore {
  private readonly items = new Map<string, OutboxItem>();
  all(): Promise<OutboxItem[]> {
    return Promise.resolve([...this.items.values()]);
  }
  put(item: OutboxItem): Promise<void> {
    this.items.set(item.key, item);
    return Promise.resolve();
  }
  delete(key: string): Promise<void> {
    this.items.delete(key);
    return Promise.resolve();
  }
}
