import type { ComponentProps } from 'react';
import type { Camera, ConferenceClientEvent } from '../../../contracts/media';
import { messageOf } from '../api/http';
import { ask, type RequestArgs } from '../api/socket';
import type { ConferenceClient, Snapshot } from './conference-client';
import { Controls } from './Controls';
import { gridFor, useSize } from './grid';
import { ModeratorPanel } from './ModeratorPanel';
import { ParticipantList, type MicState } from './ParticipantList';
import { RemoteAudio, Tile } from './Tile';

export interface RoomProps {
  snap: Snapshot;
  client: ConferenceClient;
  moderator: boolean;
  cameras: Camera[];
  userName: string;
  onError(message: string): void;
  /** A moderator action went through: the lists beside the room are read again. */
  onChanged(): void;
}

type TileProps = ComponentProps<typeof Tile> & { key: string };

/**
 * The conference room: the video tiles in a grid that fills the stage (a shared screen, else the active speaker,
 * larger), the participant list with microphone states and raised hands beside it, the moderator's controls for
 * moderators, and the control bar below.
 */
export function Room({ snap, client, moderator, cameras, userName, onError, onChanged }: RoomProps) {
  const state = snap.state;
  const [stage, size] = useSize();
  const fail = (err: unknown) => onError(messageOf(err));
  const emit = <E extends ConferenceClientEvent>(event: E, ...args: RequestArgs<E>) =>
    void ask(client.socket, event, ...args).then(onChanged, fail);
  if (!state) return null;
  const paused = new Map(state.producers.map((p) => [p.producerId, p.paused]));
  const micOf = (peerId: string) => state.producers.find((p) => p.peerId === peerId && p.source === 'mic');
  // Participants' cameras in the order they joined, then shared screens, then injected cameras.
  const rank = { camera: 0, screen: 1, inject: 2, mic: 3 } as const;
  const joinOrder = (peerId: string) => {
    const i = state.members.findIndex((m) => m.peerId === peerId);
    return i < 0 ? state.members.length : i;
  };
  const videos = snap.remote
    .filter((r) => r.kind === 'video')
    .sort((a, b) => rank[a.source] - rank[b.source] || joinOrder(a.peerId) - joinOrder(b.peerId));
  const audios = snap.remote.filter((r) => r.kind === 'audio');
  const memberName = (peerId: string) =>
    state.members.find((m) => m.peerId === peerId)?.displayName ??
    state.producers.find((p) => p.peerId === peerId)?.label ??
    peerId;
  const myMic = micOf(snap.peerId ?? '');
  const me = state.members.find((m) => m.peerId === snap.peerId);
  const hardMuted = me?.mutedByModerator ?? false;
  const member = (peerId: string) => state.members.find((m) => m.peerId === peerId);
  // Videos this user may not receive (a camera it may not view): a notice in their place.
  const refused = state.producers.filter((p) => p.kind === 'video' && snap.refused[p.producerId]);

  const tiles: TileProps[] = [
    {
      key: 'self',
      peerId: snap.peerId ?? 'self',
      label: `${userName}（我）`,
      video: snap.cameraOn ? snap.local.camera : null,
      consumer: null,
      self: true,
      source: 'camera',
      muted: !snap.micOn || (myMic?.paused ?? false),
      mutedByModerator: hardMuted,
      cameraOff: !snap.cameraOn,
      speaking: state.activeSpeaker !== null && snap.speaker === snap.peerId,
    },
    ...videos.map((r) => ({
      key: r.producerId,
      peerId: r.peerId,
      label: r.source === 'screen' ? `${memberName(r.peerId)}（屏幕共享）` : memberName(r.peerId),
      video: r.track,
      consumer: r.consumer,
      source: r.source,
      muted: r.source === 'camera' && (micOf(r.peerId)?.paused ?? false),
      mutedByModerator: member(r.peerId)?.mutedByModerator ?? false,
      cameraOff: paused.get(r.producerId) ?? false,
      speaking: snap.speaker === r.peerId && r.source === 'camera',
    })),
    ...refused.map((p) => ({
      key: p.producerId,
      peerId: p.peerId,
      label: p.label,
      video: null,
      consumer: null,
      source: p.source,
      muted: false,
      cameraOff: false,
      speaking: false,
      notice: snap.refused[p.producerId],
    })),
  ];
  // With three or more tiles, a shared screen (else the remote active speaker) is shown larger, first.
  const featured =
    tiles.length >= 3
      ? (tiles.find((t) => t.source === 'screen') ?? tiles.find((t) => !t.self && t.speaking && t.source === 'camera'))
      : undefined;
  const ordered = featured ? [featured, ...tiles.filter((t) => t !== featured)] : tiles;
  const shape = gridFor(tiles.length, size.width || 1280, size.height || 720, featured !== undefined);
  const selfMic: MicState = !myMic ? 'none' : snap.micOn && !hardMuted && !myMic.paused ? 'on' : 'off';

  return (
    <div
      className="conf-room-inner"
      data-testid="conference-room"
      data-conference-id={state.id}
      data-phase={snap.phase}
      data-rejoins={snap.rejoins}
    >
      <div className="conf-room-head">
        <h2>{state.title}</h2>
        {state.locked && <span className="conf-badge">已锁定</span>}
        {state.recording && (
          <span className="conf-badge recording" data-testid="recording-badge">
            ● 录制中
          </span>
        )}
        {snap.phase === 'reconnecting' && <span className="conf-badge">正在恢复</span>}
      </div>
      <div className="conf-room-body">
        <div className="conf-stage" ref={stage}>
          <div
            className="conf-grid"
            data-testid="conf-grid"
            data-cols={shape.cols}
            data-rows={shape.rows}
            style={{ gridTemplateColumns: `repeat(${shape.cols}, 1fr)`, gridTemplateRows: `repeat(${shape.rows}, 1fr)` }}
          >
            {ordered.map(({ key, ...t }) => (
              <Tile key={key} {...t} featured={key === featured?.key} />
            ))}
          </div>
        </div>
        <aside className="conf-room-side">
          <ParticipantList
            state={state}
            selfPeerId={snap.peerId}
            selfMic={selfMic}
            selfConvener={me?.convener === true}
            actions={
              moderator
                ? {
                    mute: (peerId) => emit('conference:mute', { peerId }),
                    allowSpeak: (peerId) => emit('conference:unmute', { peerId }),
                    lowerHand: (peerId) => emit('conference:hand:lower', { peerId }),
                    remove: (peerId) => emit('conference:remove', { peerId }),
                    cohost: (peerId, cohost) => emit('conference:cohost', { peerId, cohost }),
                  }
                : null
            }
          />
          {moderator && (
            <ModeratorPanel
              state={state}
              cameras={cameras}
              onMuteAll={() => emit('conference:mute', {})}
              onLock={(locked) => emit('conference:lock', { locked })}
              onRecord={(recording) => emit('conference:record', { recording })}
              onInject={(cameraId) => emit('conference:inject', { cameraId, on: true })}
              onAdmit={(peerId) => emit('conference:admit', { peerId })}
            />
          )}
        </aside>
      </div>
      {hardMuted && (
        <div className="conf-hard-muted" data-testid="muted-by-moderator">
          主持人已将您静音{me?.handRaised ? '，已举手，等待主持人允许发言' : '，如需发言请举手'}
        </div>
      )}
      {audios.map((a) => (
        <RemoteAudio key={a.producerId} track={a.track} />
      ))}
      <Controls
        micOn={snap.micOn}
        hardMuted={hardMuted}
        cameraOn={snap.cameraOn}
        sharing={Boolean(snap.local.screen)}
        handRaised={me?.handRaised ?? false}
        onMic={() => void client.toggleMic().catch(fail)}
        onCamera={() => void client.toggleCamera().catch(fail)}
        onScreen={() => void client.toggleScreen().catch(fail)}
        onHand={() => void client.raiseHand(!me?.handRaised).catch(fail)}
        onLeave={() => void client.leave().then(onChanged)}
      />
    </div>
  );
}
