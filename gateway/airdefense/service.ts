import type { Logger } from 'pino';
import type { Change } from '../../contracts/incidents';
import type { SirenCommandInput } from '../../contracts/airdefense';
import type { Db, Queryable } from '../../geo/db/types';
import { GroupCommit } from '../changes/group-commit';
import type { ChangeHub } from '../changes/hub';
import { lockChangeLog } from '../changes/log';
import type { Readiness } from '../deps';
import { AppError } from '../http/errors';
import { commandChanges, confirmCommand, EXPIRED_MESSAGE, expireProposals, proposeCommand, settleCommands } from './commands';
import { sirenChanges } from './registry';
import { loadSignals, signalDurationS, type SignalBook } from './signals';
import { commandTopic, sirenStateMessage, type SirenCommandMessage, type SirenReport } from './wire';

/** How the platform reaches the sirens: the MQTT broker (embedded or external), attached by the MQTT bridge. */
export interface SirenTransport {
  publish(topic: string, payload: string): Promise<void>;
}

interface Report {
  sirenId: string;
  kind: SirenReport;
  commandId: string | null;
  fault: string | null;
  at: Date;
}

/** Later reports of one siren about one command outrank earlier ones (a fault outranks everything). */
const RANK: Record<SirenReport, number> = { idle: 0, ack: 1, sounding: 2, done: 3, fault: 4 };

const SWEEP_MS = 1000;

/**
 * The sirens' side of a running gateway: proposals and confirmations (two-person rule), dispatch over MQTT, each
 * siren's reports written by group commit (one transaction per burst, so 500 acknowledgements cost a few
 * transactions), and a sweep that expires proposals, marks sirens that do not answer and completes commands.
 */
export class AirDefense {
  transport: SirenTransport | null = null;
  private readonly reports: GroupCommit<Report, void>;
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly hub: ChangeHub,
    private readonly log: Logger,
    readonly signals: SignalBook = loadSignals(),
  ) {
    this.reports = new GroupCommit(db, hub, log, 'siren reports', (tx, items) => this.writeReports(tx, items), 1000);
  }

  async propose(input: SirenCommandInput, actor: string): Promise<string> {
    const { id, changes } = await this.db.transaction(async (tx) => {
      await lockChangeLog(tx);
      return proposeCommand(tx, this.signals, input, actor);
    });
    this.hub.publish(changes);
    this.watch();
    return id;
  }

  /** Confirms and dispatches; an expired proposal is recorded as such and answered 409. */
  async confirm(id: string, actor: string): Promise<void> {
    const outcome = await this.db.transaction(async (tx) => {
      await lockChangeLog(tx);
      return confirmCommand(tx, id, actor);
    });
    this.hub.publish(outcome.changes);
    if (outcome.kind === 'expired') throw new AppError('conflict', EXPIRED_MESSAGE);
    this.watch();
    await this.dispatch(id, outcome.sirenIds);
  }

  private async dispatch(id: string, sirenIds: readonly string[]): Promise<void> {
    const transport = this.transport;
    if (!transport) {
      this.log.warn({ command: id }, 'no MQTT broker attached: siren command not sent (the sirens will count as not answering)');
      return;
    }
    const [cmd] = await this.db.query<{ signal: SirenCommandMessage['signal']; drill: boolean; confirmed_at: Date }>(
      'SELECT signal, drill, confirmed_at FROM siren_command WHERE id = $1',
      [id],
    );
    const { onS, offS, cycles } = this.signals.pattern(cmd!.signal);
    const message: SirenCommandMessage = {
      commandId: id,
      signal: cmd!.signal,
      drill: cmd!.drill,
      pattern: { onS, offS, cycles },
      issuedAt: new Date(cmd!.confirmed_at).toISOString(),
    };
    const payload = JSON.stringify(message);
    const sent = await Promise.allSettled(sirenIds.map((s) => transport.publish(commandTopic(s), payload)));
    const failed = sent.filter((r) => r.status === 'rejected').length;
    if (failed) this.log.warn({ command: id, failed }, 'siren commands not handed to the broker');
  }

  /** A message on a siren's state topic: validated, then written with the others arriving meanwhile. */
  async receive(sirenId: string, payload: Buffer): Promise<void> {
    let msg;
    try {
      msg = sirenStateMessage.parse(JSON.parse(payload.toString('utf8')));
    } catch (err) {
      this.log.warn({ siren: sirenId, err: (err as Error).message }, 'siren state message refused');
      return;
    }
    await this.reports.submit({
      sirenId,
      kind: msg.state,
      commandId: msg.commandId ?? null,
      fault: msg.fault ?? (msg.state === 'fault' ? '警报器报告故障' : null),
      at: new Date(),
    });
  }

  /** A siren's broker connection closed: it is offline until it reports again. */
  async disconnected(sirenId: string): Promise<void> {
    const changes = await this.db.transaction(async (tx) => {
      await lockChangeLog(tx);
      const rows = await tx.query<{ id: string }>(
        "UPDATE siren SET state = 'offline', updated_at = now() WHERE id = $1 AND state <> 'offline' RETURNING id",
        [sirenId],
      );
      return sirenChanges(
        tx,
        rows.map((r) => r.id),
      );
    });
    this.hub.publish(changes);
  }

  private async writeReports(tx: Queryable, items: Report[]): Promise<{ results: void[]; changes: Change[] }> {
    const lastOfSiren = new Map<string, Report>();
    const ofTarget = new Map<string, Report>();
    for (const r of items) {
      lastOfSiren.set(r.sirenId, r);
      if (!r.commandId) continue;
      const key = `${r.commandId}/${r.sirenId}`;
      const held = ofTarget.get(key);
      if (!held || RANK[r.kind] >= RANK[held.kind]) ofTarget.set(key, r);
    }
    const sirens = [...lastOfSiren.values()];
    const changed = await tx.query<{ id: string; changed: boolean }>(
      `WITH m AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) AS m(id, kind, fault, at)),
            old AS (SELECT s.id, s.state, s.fault FROM siren s JOIN m ON m.id = s.id FOR UPDATE OF s)
       UPDATE siren s SET last_poll_at = m.at, updated_at = now(),
              state = CASE m.kind WHEN 'sounding' THEN 'sounding' WHEN 'fault' THEN 'fault' WHEN 'ack'
                        THEN CASE WHEN s.state IN ('offline', 'fault') THEN 'idle' ELSE s.state END ELSE 'idle' END,
              fault = CASE m.kind WHEN 'fault' THEN m.fault ELSE NULL END
         FROM m, old
        WHERE s.id = m.id AND old.id = m.id
       RETURNING s.id, (s.state IS DISTINCT FROM old.state OR s.fault IS DISTINCT FROM old.fault) AS changed`,
      [sirens.map((r) => r.sirenId), sirens.map((r) => r.kind), sirens.map((r) => r.fault), sirens.map((r) => r.at)],
    );
    const targets = [...ofTarget.values()];
    const touched = await tx.query<{ command_id: string; faulted: boolean }>(
      `UPDATE siren_command_target t SET
              state = CASE
                WHEN m.kind = 'ack' AND t.state IN ('sent', 'no_answer') THEN 'acked'
                WHEN m.kind = 'sounding' AND t.state IN ('sent', 'acked', 'no_answer') THEN 'sounding'
                WHEN m.kind = 'done' AND t.state IN ('sent', 'acked', 'sounding', 'no_answer') THEN 'completed'
                WHEN m.kind = 'fault' AND t.state NOT IN ('completed', 'failed') THEN 'failed'
                ELSE t.state END,
              acked_at = CASE WHEN m.kind IN ('ack', 'sounding', 'done') THEN coalesce(t.acked_at, m.at) ELSE t.acked_at END,
              completed_at = CASE WHEN m.kind = 'done' THEN coalesce(t.completed_at, m.at) ELSE t.completed_at END,
              fault = CASE WHEN m.kind = 'fault' THEN m.fault ELSE t.fault END
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS m(command_id, siren_id, kind, fault, at)
        WHERE t.command_id = m.command_id::uuid AND t.siren_id = m.siren_id
       RETURNING t.command_id, (m.kind = 'fault' OR t.state = 'no_answer') AS faulted`,
      [
        targets.map((r) => r.commandId),
        targets.map((r) => r.sirenId),
        targets.map((r) => r.kind),
        targets.map((r) => r.fault),
        targets.map((r) => r.at),
      ],
    );
    const commands = [...new Set(touched.map((t) => t.command_id))];
    // A late answer of a siren counted as silent, or a fault: the gap changes.
    const regap = new Set(touched.filter((t) => t.faulted).map((t) => t.command_id));
    await settleCommands(tx, commands, regap);
    const changes = [
      ...(await sirenChanges(
        tx,
        changed.filter((c) => c.changed).map((c) => c.id),
      )),
      ...(await commandChanges(tx, commands)),
    ];
    return { results: items.map(() => undefined), changes };
  }

  /** Runs the sweep every second while any command is pending or under way. */
  watch(): void {
    if (this.sweepTimer) return;
    this.sweepTimer = setInterval(() => {
      if (this.sweeping) return;
      this.sweeping = this.sweep()
        .then((busy) => {
          if (!busy) this.stop();
        })
        .catch((err: unknown) => this.log.warn({ err }, 'siren command sweep failed'))
        .finally(() => (this.sweeping = null));
    }, SWEEP_MS);
    this.sweepTimer.unref();
  }

  private stop(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
  }

  /**
   * Expires proposals past their time limit; marks sirens that have not acknowledged within `ackWithinS` as not
   * answering (and offline), and sirens that acknowledged but did not report completion in time as failed; completes
   * commands every siren has settled. Returns whether any command is still pending or under way.
   */
  async sweep(): Promise<boolean> {
    const durations = Object.fromEntries(
      this.signals.signals.map((s) => [s.id, signalDurationS(s) + this.signals.completeGraceS]),
    );
    const changes = await this.db.transaction(async (tx) => {
      await lockChangeLog(tx);
      const expired = await expireProposals(tx);
      const silent = await tx.query<{ command_id: string; siren_id: string }>(
        `UPDATE siren_command_target t SET state = 'no_answer'
           FROM siren_command c
          WHERE c.id = t.command_id AND c.state = 'dispatched' AND t.state = 'sent'
            AND t.sent_at < now() - make_interval(secs => $1)
         RETURNING t.command_id, t.siren_id`,
        [this.signals.ackWithinS],
      );
      const late = await tx.query<{ command_id: string }>(
        `UPDATE siren_command_target t SET state = 'failed', fault = '未在规定时间内报告鸣放完成'
           FROM siren_command c
          WHERE c.id = t.command_id AND c.state = 'dispatched' AND t.state IN ('acked', 'sounding')
            AND c.confirmed_at < now() - make_interval(secs => ($1::jsonb ->> c.signal)::float8)
         RETURNING t.command_id`,
        [JSON.stringify(durations)],
      );
      const offline = await tx.query<{ id: string }>(
        `UPDATE siren s SET state = 'offline', updated_at = now()
          WHERE s.id = ANY($1::text[]) AND s.state <> 'offline'
            AND (s.last_poll_at IS NULL OR s.last_poll_at < now() - make_interval(secs => $2))
         RETURNING s.id`,
        [silent.map((s) => s.siren_id), this.signals.ackWithinS],
      );
      const regap = new Set([...silent, ...late].map((r) => r.command_id));
      const [{ open }] = (await tx.query<{ open: string[] }>(
        "SELECT coalesce(array_agg(id::text), '{}') AS open FROM siren_command WHERE state = 'dispatched'",
      )) as [{ open: string[] }];
      await settleCommands(tx, open, regap);
      const after = await tx.query<{ id: string }>(
        "SELECT id::text FROM siren_command WHERE id = ANY($1::uuid[]) AND state = 'completed'",
        [open],
      );
      const moved = new Set([...regap, ...after.map((r) => r.id)]);
      return [
        ...expired,
        ...(await sirenChanges(
          tx,
          offline.map((o) => o.id),
        )),
        ...(await commandChanges(tx, [...moved])),
      ];
    });
    this.hub.publish(changes);
    const [{ n }] = (await this.db.query<{ n: string }>(
      "SELECT count(*) AS n FROM siren_command WHERE state IN ('pending', 'dispatched')",
    )) as [{ n: string }];
    return Number(n) > 0;
  }

  /** Waits for reports in hand and stops the sweep (shutdown, tests). */
  async close(): Promise<void> {
    this.stop();
    await this.sweeping;
    await this.reports.flush();
  }
}

const services = new WeakMap<Readiness, AirDefense>();

/** The gateway's one AirDefense, made on first use once the platform is ready. */
export function airDefenseOf(readiness: Readiness): AirDefense {
  let svc = services.get(readiness);
  if (!svc) {
    const state = readiness.current;
    if (!state) throw readiness.startingError();
    svc = new AirDefense(state.db, readiness.changes, state.command.log);
    services.set(readiness, svc);
    svc.watch();
  }
  return svc;
}

/** Puts a prepared AirDefense in place (tests and the benchmark use shorter time limits). */
export function useAirDefense(readiness: Readiness, svc: AirDefense): void {
  services.set(readiness, svc);
}
