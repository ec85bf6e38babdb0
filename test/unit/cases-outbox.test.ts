import fc from 'fast-check';
import type { ReportCaseInput } from '../../contracts/cases';
import {
  MemoryOutboxStore,
  newOutboxItem,
  Outbox,
  reportInputOf,
  type OutboxItem,
  type OutboxSender,
} from '../../web/src/inspector/outbox';

/**
 * The inspector's outbox against a server model that keeps one case per idempotency key and a network that may
 * drop requests before or after the server acted: every report becomes exactly one case, photos are uploaded
 * once each, refused reports wait for the inspector, and concurrent flushes never send twice.
 */

class NetworkDown extends Error {}

interface Fault {
  /** Fail before the server sees the request. */
  before?: boolean;
  /** Fail after the server acted (the answer is lost). */
  after?: boolean;
}

class FakeServer {
  cases = new Map<string, { id: number; input: ReportCaseInput }>();
  photos: number[] = [];
  reportCalls = 0;
  inFlight = 0;
  maxInFlight = 0;
  faults: Fault[] = [];
  refuse: ((input: ReportCaseInput) => string | null) | null = null;

  private fault(): Fault {
    return this.faults.shift() ?? {};
  }

  sender(): OutboxSender {
    return {
      uploadPhoto: async () => {
        const f = this.fault();
        if (f.before) throw new NetworkDown('offline');
        const id = this.photos.length + 1;
        this.photos.push(id);
        if (f.after) throw new NetworkDown('answer lost');
        return id;
      },
      report: async (input) => {
        this.inFlight++;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        try {
          await new Promise((r) => setTimeout(r, 1));
          const f = this.fault();
          if (f.before) throw new NetworkDown('offline');
          const refusal = this.refuse?.(input);
          if (refusal) throw new Error(refusal);
          this.reportCalls++;
          const existing = this.cases.get(input.idempotencyKey);
          const c = existing ?? { id: this.cases.size + 1, input };
          if (!existing) this.cases.set(input.idempotencyKey, c);
          if (f.after) throw new NetworkDown('answer lost');
          return { id: c.id, code: `C${c.id}`, created: !existing };
        } finally {
          this.inFlight--;
        }
      },
    };
  }
}

const retryable = (err: unknown) => err instanceof NetworkDown;
const report = (n: number) => ({ categoryCode: 'BJ0101', description: `井盖缺失 ${n}`, lon: 126.63, lat: 45.75 });
const photo = () => new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' });

function setup() {
  const server = new FakeServer();
  const store = new MemoryOutboxStore();
  const outbox = new Outbox(store, server.sender(), retryable);
  return { server, store, outbox };
}

it('sends a report with its photos and empties the outbox', async () => {
  const { server, outbox } = setup();
  await outbox.add(newOutboxItem('key-aaaaaaaa', report(1), [photo(), photo()]));
  const [outcome] = await outbox.flush();
  expect(outcome).toMatchObject({ key: 'key-aaaaaaaa', status: 'sent', created: true });
  expect(server.cases.get('key-aaaaaaaa')!.input.photoIds).toEqual([1, 2]);
  expect(await outbox.items()).toEqual([]);
});

it('keeps the report while offline and sends it exactly once when the connection returns', async () => {
  const { server, outbox } = setup();
  server.faults = [{ before: true }];
  await outbox.add(newOutboxItem('key-offline1', report(1), [photo()]));
  const first = await outbox.flush();
  expect(first[0]!.status).toBe('kept');
  const kept = await outbox.items();
  expect(kept).toHaveLength(1);
  expect(kept[0]).toMatchObject({ state: 'queued', attempts: 1, photoIds: [] });
  expect(server.cases.size).toBe(0);

  await outbox.flush();
  expect(server.cases.size).toBe(1);
  expect(await outbox.items()).toEqual([]);
});

it('a lost answer is retried with the same key and yields the same case; uploaded photos are not uploaded again', async () => {
  const { server, outbox } = setup();
  // photo 1 uploads, photo 2's answer is lost, then the report's answer is lost.
  server.faults = [{}, { after: true }];
  await outbox.add(newOutboxItem('key-lost0001', report(1), [photo(), photo()]));
  expect((await outbox.flush())[0]!.status).toBe('kept');
  const [afterFirst] = await outbox.items();
  expect(afterFirst!.photoIds).toEqual([1]);
  expect(afterFirst!.photos).toHaveLength(1);

  server.faults = [{}, { after: true }];
  expect((await outbox.flush())[0]!.status).toBe('kept');
  expect(server.cases.size).toBe(1);

  const [outcome] = await outbox.flush();
  expect(outcome).toMatchObject({ status: 'sent', created: false });
  expect(server.cases.size).toBe(1);
  expect(await outbox.items()).toEqual([]);
});

it('concurrent flushes (online event, timer, button) never send the same report twice at once', async () => {
  const { server, outbox } = setup();
  for (let i = 0; i < 5; i++) await outbox.add(newOutboxItem(`key-conc000${i}`, report(i), []));
  await Promise.all([outbox.flush(), outbox.flush(), outbox.flush()]);
  expect(server.maxInFlight).toBe(1);
  expect(server.reportCalls).toBe(5);
  expect(server.cases.size).toBe(5);
});

it('an item added while a flush runs is sent by that flush', async () => {
  const { server, outbox } = setup();
  await outbox.add(newOutboxItem('key-first001', report(1), []));
  const running = outbox.flush();
  await outbox.add(newOutboxItem('key-second01', report(2), []));
  await outbox.flush();
  await running;
  expect([...server.cases.keys()].sort()).toEqual(['key-first001', 'key-second01']);
  expect(await outbox.items()).toEqual([]);
});

it('a refused report is kept as failed (not retried by itself), the others still go; retry puts it back', async () => {
  const { server, outbox } = setup();
  let refuse = true;
  server.refuse = (input) => (refuse && input.description.endsWith('1') ? 'categoryCode: 须为小类代码' : null);
  await outbox.add(newOutboxItem('key-refuse01', report(1), [], new Date('2026-11-22T01:00:00Z')));
  await outbox.add(newOutboxItem('key-refuse02', report(2), [], new Date('2026-11-22T01:01:00Z')));
  const outcomes = await outbox.flush();
  expect(outcomes.map((o) => o.status)).toEqual(['failed', 'sent']);
  expect(await outbox.items()).toMatchObject([{ key: 'key-refuse01', state: 'failed', lastError: 'categoryCode: 须为小类代码' }]);

  expect(await outbox.flush()).toEqual([]);
  refuse = false;
  await outbox.retry('key-refuse01');
  expect((await outbox.flush())[0]!.status).toBe('sent');
  expect(server.cases.size).toBe(2);
});

it('a refused report corrected by the inspector goes again under its key, with only the kept and new photos', async () => {
  const { server, outbox } = setup();
  server.refuse = (input) => (input.lon > 127 ? '位置不在哈尔滨市域内' : null);
  await outbox.add(newOutboxItem('key-edit0001', { ...report(1), lon: 127.9 }, [photo(), photo()]));
  expect((await outbox.flush())[0]).toMatchObject({ status: 'failed', error: '位置不在哈尔滨市域内' });
  const refused = await outbox.item('key-edit0001');
  expect(refused).toMatchObject({ state: 'failed', photoIds: [1, 2], photos: [] });
  // Nothing goes by itself while it waits for the inspector.
  expect(await outbox.flush()).toEqual([]);

  // The inspector moves the point, drops the first photo and takes a new one.
  await outbox.edit('key-edit0001', { ...report(1), description: '井盖缺失，已改位置', lon: 126.63 }, [photo()], [2]);
  expect(await outbox.item('key-edit0001')).toMatchObject({ state: 'queued', lastError: null, photoIds: [2] });
  const [outcome] = await outbox.flush();
  expect(outcome).toMatchObject({ key: 'key-edit0001', status: 'sent', created: true });
  const sent = server.cases.get('key-edit0001')!.input;
  expect(sent).toMatchObject({ lon: 126.63, description: '井盖缺失，已改位置', photoIds: [2, 3] });
  expect(server.cases.size).toBe(1);
  expect(await outbox.items()).toEqual([]);
});

it('a corrected report whose outbox entry was deleted meanwhile is queued anew', async () => {
  const { server, outbox } = setup();
  await outbox.edit('key-edit0002', report(2), [photo()], []);
  expect((await outbox.flush())[0]!.status).toBe('sent');
  expect(server.cases.get('key-edit0002')!.input.photoIds).toEqual([1]);
});

it('reports go out oldest first and carry the key, the report time and channel inspector', async () => {
  const { server, outbox } = setup();
  await outbox.add(newOutboxItem('key-later001', report(2), [], new Date('2026-11-22T02:00:00Z')));
  await outbox.add(newOutboxItem('key-early001', report(1), [], new Date('2026-11-22T01:00:00Z')));
  await outbox.flush();
  expect([...server.cases.values()].map((c) => c.input.idempotencyKey)).toEqual(['key-early001', 'key-later001']);
  const item: OutboxItem = newOutboxItem('key-body0001', report(3), [], new Date('2026-11-22T03:00:00Z'));
  expect(reportInputOf(item)).toMatchObject({
    idempotencyKey: 'key-body0001',
    channel: 'inspector',
    observedAt: '2026-11-22T03:00:00.000Z',
    photoIds: [],
  });
});

it('property: whatever the network does, once it recovers every report is exactly one case', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 6 }),
      fc.array(fc.record({ before: fc.boolean(), after: fc.boolean() }), { maxLength: 30 }),
      async (n, faults) => {
        const { server, outbox } = setup();
        for (let i = 0; i < n; i++)
          await outbox.add(newOutboxItem(`key-prop${String(i).padStart(4, '0')}`, report(i), i % 2 ? [photo()] : []));
        server.faults = faults.map((f) => (f.before ? { before: true } : f.after ? { after: true } : {}));
        for (let round = 0; round < 40 && (await outbox.items()).length > 0; round++) await outbox.flush();
        expect(await outbox.items()).toEqual([]);
        expect(server.cases.size).toBe(n);
        for (let i = 0; i < n; i++) expect(server.cases.has(`key-prop${String(i).padStart(4, '0')}`)).toBe(true);
      },
    ),
    { numRuns: 60 },
  );
});
