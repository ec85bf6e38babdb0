import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Db, Queryable } from '../../geo/db/types';
import type { AuditKey } from './key';

/** The chain head as written outside the database: the last committed row's seq and hash, signed. */
export interface WitnessedHead {
  chainId: string;
  seq: number;
  hash: string;
  at: string;
  mac: string;
}

const headMac = (key: AuditKey, chainId: string, seq: number, hash: string) =>
  key.mac(JSON.stringify(['harbin-audit-head-v1', chainId, seq, hash]));

export const witnessFile = (dir: string, chainId: string) => path.join(dir, `audit-head-${chainId}.json`);

async function chainIdOf(q: Queryable): Promise<string | null> {
  const [row] = await q.query<{ chain_id: string }>('SELECT chain_id FROM audit_chain_identity WHERE id = 1');
  return row?.chain_id ?? null;
}

function readWitness(file: string): WitnessedHead | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
  }
  try {
    const w = JSON.parse(text) as Partial<WitnessedHead>;
    if (typeof w.chainId !== 'string' || typeof w.seq !== 'number' || typeof w.hash !== 'string' || typeof w.mac !== 'string')
      return 'unreadable';
    return w as WitnessedHead;
  } catch {
    return 'unreadable';
  }
}

/**
 * Writes the audit chain's committed head to a second place, a file under DATA_DIR, so that removing the newest rows
 * (and resetting the head row inside the database) no longer goes unseen: the verifier checks that the row the file
 * names still exists with the hash it names. The head is re-read from the database after appends (debounced), so
 * it only ever names committed rows, whoever wrote them; it never moves backwards.
 */
export class HeadWitness {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();
  /** The newest row this process appended, and how often its commit has been waited for. */
  private wanted = 0;
  private tries = 0;

  constructor(private readonly opts: { dir: string; key: AuditKey; db: () => Db; log?: Logger; delayMs?: number }) {}

  /**
   * After an append of row `seq`: anchor the committed head shortly (one write for a burst of appends). A row still
   * inside an open transaction is waited for a few times, then left to the next append (it may have rolled back).
   */
  noteAppend(seq: number): void {
    if (seq > this.wanted) {
      this.wanted = seq;
      this.tries = 0;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.flush()
        .then((w) => {
          if ((w?.seq ?? 0) < this.wanted && ++this.tries < 5) this.noteAppend(this.wanted);
        })
        .catch((err: unknown) => this.opts.log?.warn({ err }, 'could not write the audit head witness'));
    }, this.opts.delayMs ?? 200);
    this.timer.unref();
  }

  /** Runs a pending anchoring now (before a verification, so this process's own newest rows are covered). */
  async settle(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      await this.flush();
    }
    await this.running;
  }

  /** Writes the committed head when it is newer than the file's; returns what the file now says. */
  async flush(): Promise<WitnessedHead | null> {
    const db = this.opts.db();
    const chainId = await chainIdOf(db);
    const [head] = await db.query<{ seq: number | string; hash: string }>('SELECT seq, hash FROM audit_chain_head WHERE id = 1');
    if (!chainId || !head || Number(head.seq) === 0) return null;
    const file = witnessFile(this.opts.dir, chainId);
    const current = readWitness(file);
    const seq = Number(head.seq);
    if (typeof current === 'object' && current.seq >= seq) return current;
    const next: WitnessedHead = {
      chainId,
      seq,
      hash: head.hash,
      at: new Date().toISOString(),
      mac: headMac(this.opts.key, chainId, seq, head.hash),
    };
    mkdirSync(this.opts.dir, { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, JSON.stringify(next) + '\n', { mode: 0o600 });
    renameSync(tmp, file);
    return next;
  }
}

/** What the external head said when it was read: the file's content (or why there is none) and its path. */
export interface WitnessReading {
  chainId: string;
  file: string;
  witness: WitnessedHead | 'missing' | 'unreadable';
}

/**
 * Reads the external head. Read it before the verifying snapshot is taken: the file only ever names committed rows,
 * so what it names then is inside the snapshot; read later, another gateway may already have moved it past the
 * snapshot's head, which would look like truncation.
 */
export async function readWitnessFor(q: Queryable, dir: string): Promise<WitnessReading | null> {
  const chainId = await chainIdOf(q);
  if (!chainId) return null;
  const file = witnessFile(dir, chainId);
  return { chainId, file, witness: readWitness(file) };
}

/**
 * Checks the chain against its external head, as read before the walk: the file must exist once the chain has rows,
 * carry a valid signature, and name a row that still exists with the same hash. Returns the problem, or null.
 * `lastSeq` is the last row the walk verified.
 */
export async function checkWitness(
  q: Queryable,
  key: AuditKey,
  reading: WitnessReading | null,
  lastSeq: number,
): Promise<{ seq: number; reason: string } | null> {
  if (!reading) return null;
  const { chainId, file, witness: w } = reading;
  if (w === 'missing') {
    return lastSeq > 0 ? { seq: lastSeq, reason: `链头外部锚点文件 ${file} 缺失，无法确认末尾记录未被截断` } : null;
  }
  if (w === 'unreadable' || w.chainId !== chainId || headMac(key, chainId, w.seq, w.hash) !== w.mac) {
    return { seq: lastSeq, reason: `链头外部锚点文件 ${file} 的签名不符（被伪造或篡改）` };
  }
  if (w.seq > lastSeq) {
    return {
      seq: lastSeq + 1,
      reason: `外部锚点记载链头为 #${w.seq}，但记录 #${lastSeq + 1}${w.seq > lastSeq + 1 ? `–#${w.seq}` : ''} 缺失（末尾被截断）`,
    };
  }
  const [row] = await q.query<{ hash: string }>('SELECT hash FROM audit_event WHERE seq = $1', [w.seq]);
  if (row && row.hash !== w.hash) return { seq: w.seq, reason: `记录 #${w.seq} 的哈希与外部锚点不符（被改写）` };
  return null;
}
