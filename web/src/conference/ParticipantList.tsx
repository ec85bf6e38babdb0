import type { ConferenceMember, ConferenceState } from '../../../contracts/media';
import { Icon } from './icons';

export type MicState = 'on' | 'off' | 'none';

/** A participant's microphone as the room state says: its mic producer, paused or not, or none. */
export function micStateOf(state: ConferenceState, peerId: string): MicState {
  const mic = state.producers.find((p) => p.peerId === peerId && p.source === 'mic');
  if (!mic) return 'none';
  return mic.paused ? 'off' : 'on';
}

const MIC_TEXT: Record<MicState, string> = { on: '麦克风开', off: '已静音', none: '无麦克风' };

export interface ModeratorActions {
  mute(peerId: string): void;
  allowSpeak(peerId: string): void;
  lowerHand(peerId: string): void;
  remove(peerId: string): void;
  cohost(peerId: string, cohost: boolean): void;
}

interface Props {
  state: ConferenceState;
  selfPeerId: string | null;
  /** The own microphone as this page knows it (the server's state lags a moment). */
  selfMic: MicState;
  /** Shown to moderators: the actions on each participant they may act on. */
  actions: ModeratorActions | null;
  selfConvener: boolean;
}

/**
 * 参会人员: everyone in the room with role, convener / co-host, microphone state (开 / 已静音 / 主持人已静音) and a
 * raised hand (举手, raised hands first); a moderator also mutes, lets speak, lowers a hand, removes and names co-hosts.
 */
export function ParticipantList({ state, selfPeerId, selfMic, actions, selfConvener }: Props) {
  // The convener acts on everyone but themselves; a co-host on participants who do not moderate.
  const mayTarget = (m: ConferenceMember) => m.peerId !== selfPeerId && !m.convener && (selfConvener || !m.moderator);
  const members = [...state.members].sort((a, b) => Number(b.handRaised) - Number(a.handRaised));
  const hands = members.filter((m) => m.handRaised).length;
  return (
    <section className="conf-participants" aria-label="参会人员">
      <h3>
        <Icon name="people" /> 参会人员（{state.members.length}）
        {hands > 0 && (
          <span className="conf-badge hand" data-testid="hands-count">
            {hands} 人举手
          </span>
        )}
      </h3>
      <ul className="conf-people" data-testid="member-list">
        {members.map((m) => {
          const self = m.peerId === selfPeerId;
          const mic = self ? selfMic : micStateOf(state, m.peerId);
          const micText = mic === 'off' && m.mutedByModerator ? '主持人已静音' : MIC_TEXT[mic];
          return (
            <li
              key={m.peerId}
              data-testid="member-item"
              data-peer-id={m.peerId}
              data-name={m.displayName}
              data-mic={mic}
              data-hand={String(m.handRaised)}
              className={m.handRaised ? 'hand' : undefined}
            >
              <div className="conf-person">
                <span className="conf-person-name">
                  {m.displayName}
                  {self && '（我）'}
                </span>
                <span className="conf-person-role">{m.roleName}</span>
                {m.convener && <span className="conf-badge">发起人</span>}
                {m.cohost && <span className="conf-badge">联合主持人</span>}
                {m.handRaised && (
                  <span className="conf-badge hand" data-testid="hand-raised">
                    <Icon name="hand" /> 举手
                  </span>
                )}
                <span className={`conf-mic mic-${mic}`} data-testid="member-mic" title={micText}>
                  <Icon name="mic" off={mic !== 'on'} />
                  {micText}
                </span>
              </div>
              {actions && mayTarget(m) && (
                <div className="conf-person-actions">
                  {m.handRaised && (
                    <button type="button" data-testid="lower-hand" onClick={() => actions.lowerHand(m.peerId)}>
                      放下手
                    </button>
                  )}
                  {!m.mutedByModerator && (
                    <button type="button" data-testid="mute-one" onClick={() => actions.mute(m.peerId)}>
                      静音
                    </button>
                  )}
                  {m.mutedByModerator && (
                    <button type="button" data-testid="allow-speak" onClick={() => actions.allowSpeak(m.peerId)}>
                      允许发言
                    </button>
                  )}
                  <button type="button" data-testid="remove" onClick={() => actions.remove(m.peerId)}>
                    移出
                  </button>
                  {selfConvener && (
                    <button type="button" data-testid="cohost" onClick={() => actions.cohost(m.peerId, !m.cohost)}>
                      {m.cohost ? '取消联合主持' : '设为联合主持'}
                    </button>
                  )}
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
