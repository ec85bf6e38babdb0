import type { Logger } from 'pino';
import { SYSTEM_MODE_LABELS, type Change } from '../../contracts/incidents';
import type { StandingConference } from '../../contracts/modes';
import type { Db } from '../../geo/db/types';
import { openStandingConference } from '../modes/conference';
import type { ConferenceGateway } from './conference';

/** After a failed read of the record the sync is tried again this much later (mode changes also retry it). */
export const STANDING_RETRY_MS = 5000;

/** The convener when the switch was made by no person account (a tool, a test): the system itself. */
export const SYSTEM_CONVENER = { userId: 'system:standing-conference', displayName: '系统（模式切换）' } as const;

/**
 * The standing conference (常设会商) held by this gateway's conference service while its record is open: every
 * gateway follows the change log, and at every mode change (and once at start-up, for a record already open) makes
 * its service hold exactly the open record — a conference with the record's id, title and invitations, convened by
 * the leader who switched the mode, invitees let in without the lobby (a headquarters conference) — and ends any
 * standing conference whose record has closed, telling its members. The record is the one truth; the service's
 * conference is this gateway's room for it.
 */
export class StandingConferences {
  private pending = false;
  private running: Promise<void> | null = null;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;
  /** The records held now, by id (for the mode named when one ends). */
  private readonly held = new Map<string, StandingConference>();

  constructor(
    private readonly conf: ConferenceGateway,
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  /** Changes from the change-log tail: a mode change (a switch, or a proposal) makes it look again. */
  heard(changes: readonly Change[]): void {
    if (changes.some((c) => c.topic === 'mode')) void this.sync();
  }

  /** Reads the open record and holds it (coalesced: one read at a time, again if asked meanwhile). */
  sync(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.pending = true;
    this.running ??= this.drain().finally(() => (this.running = null));
    return this.running;
  }

  private async drain(): Promise<void> {
    while (this.pending && !this.stopped) {
      this.pending = false;
      try {
        await this.hold(await openStandingConference(this.db));
      } catch (err) {
        this.log.error({ err }, 'standing conference could not be synchronised with its record; trying again');
        this.retry ??= setTimeout(() => {
          this.retry = null;
          void this.sync();
        }, STANDING_RETRY_MS);
        this.retry.unref();
        return;
      }
    }
  }

  private async hold(record: StandingConference | null): Promise<void> {
    for (const c of this.conf.service.list()) {
      if (!c.standing || c.id === record?.id) continue;
      const was = this.held.get(c.id);
      this.held.delete(c.id);
      const mode = was ? `「${SYSTEM_MODE_LABELS[was.mode]}」${was.drill ? '（演练）' : ''}模式已结束` : '其模式已结束';
      const told = await this.conf.end(c.id, `会商「${c.title}」已结束：${mode}`);
      this.log.info({ conference: c.id, told }, 'standing conference ended with its mode');
    }
    if (!record || this.conf.service.list().some((c) => c.id === record.id)) return;
    const convener = await this.convenerOf(record);
    this.conf.service.create({
      title: record.title,
      hostUserId: convener?.userId ?? SYSTEM_CONVENER.userId,
      hostName: convener?.displayName ?? SYSTEM_CONVENER.displayName,
      inviteUsers: record.inviteUsers,
      inviteRoles: record.inviteRoles,
      autoAdmit: true,
      // Without a leader to convene it, the invited accounts whose role may host moderate it.
      coHosts: convener ? [] : record.inviteUsers,
      standing: { id: record.id },
    });
    this.held.set(record.id, record);
    this.log.info({ conference: record.id, convener: convener?.userId ?? null }, 'standing conference held');
  }

  /** The leader who switched the mode (`opened_by`), while the account is active. */
  private async convenerOf(record: StandingConference): Promise<{ userId: string; displayName: string } | null> {
    if (!record.openedBy) return null;
    const [row] = await this.db.query<{ id: string; display_name: string }>(
      'SELECT id, display_name FROM app_user WHERE username = $1 AND disabled_at IS NULL',
      [record.openedBy],
    );
    return row ? { userId: row.id, displayName: row.display_name } : null;
  }

  /** Stops following (the gateway closes): a sync under way is waited for. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.running;
  }
}
