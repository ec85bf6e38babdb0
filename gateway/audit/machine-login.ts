import type { Db } from '../../geo/db/types';
import type { Config } from '../config';
import { loadAuditKey } from './key';
import { AuditWriter } from './writer';

export type MachineChannel = 'webhook' | 'open311' | 'mqtt';

export interface MachineLoginFailure {
  channel: MachineChannel;
  /** Who the machine claimed to be: a feed source, an MQTT login name; never the secret it presented. */
  principal: string;
  reason: string;
  sourceIp?: string | null;
  requestId?: string | null;
}

/** One row per channel, claimed principal and address in this window; repeats are counted into the next row. */
const WINDOW_MS = 10_000;
const lastWritten = new Map<string, { at: number; suppressed: number }>();
const writers = new WeakMap<Db, AuditWriter>();

function writerFor(via: { audit: AuditWriter } | { db: Db; config: Pick<Config, 'AUDIT_HMAC_KEY' | 'DATA_DIR'> }): AuditWriter {
  if ('audit' in via) return via.audit;
  let writer = writers.get(via.db);
  if (!writer) {
    const key = loadAuditKey({ configured: via.config.AUDIT_HMAC_KEY?.reveal(), dataDir: via.config.DATA_DIR });
    writer = new AuditWriter({ db: () => via.db, key, now: () => new Date() });
    writers.set(via.db, writer);
  }
  return writer;
}

/**
 * Audits a machine that failed to authenticate: a webhook with a bad signature, an Open311 request with an unknown
 * api_key, an MQTT connection with bad credentials. Never throws (the machine is refused either way; a failure to
 * write is logged by the writer), and writes at most one row per channel, principal and address every 10 s, with
 * the number of repeats it stood for, so a flood of bad attempts cannot flood the log.
 */
export async function auditMachineLoginFailure(
  via: { audit: AuditWriter } | { db: Db; config: Pick<Config, 'AUDIT_HMAC_KEY' | 'DATA_DIR'> },
  failure: MachineLoginFailure,
): Promise<void> {
  const id = `${failure.channel}\u0001${failure.principal}\u0001${failure.sourceIp ?? ''}`;
  const now = Date.now();
  const last = lastWritten.get(id);
  if (last && now - last.at < WINDOW_MS) {
    last.suppressed++;
    return;
  }
  lastWritten.set(id, { at: now, suppressed: 0 });
  if (lastWritten.size > 10_000) lastWritten.delete(lastWritten.keys().next().value!);
  await writerFor(via)
    .append({
      action: 'machine.login',
      outcome: 'failed',
      actor: { userId: null, username: `${failure.channel}:${failure.principal}`.slice(0, 64), role: null },
      object: `${failure.channel} ${failure.principal}`,
      sourceIp: failure.sourceIp ?? null,
      requestId: failure.requestId ?? null,
      detail: { channel: failure.channel, reason: failure.reason, repeatsBefore: last?.suppressed ?? 0 },
    })
    .then(
      () => undefined,
      () => undefined,
    );
}
