import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { PRODUCT_NAME } from '../../../contracts';
import type { Incident, ModeProfile, RecommendationResponse } from '../../../contracts/incidents';
import type { Camera } from '../../../contracts/media';
import { useSession } from '../identity/session';
import { UserMenu } from '../identity/UserMenu';
import { splitSirenItems } from '../airdefense/feed-rules';
import { sirenLayers } from '../airdefense/siren-layers';
import { DrillBanner, SirenPanel } from '../airdefense/SirenPanel';
import { ResponsesPanel } from '../responses/ResponsesPanel';
import { shelterTooltip } from '../shelters/wall-layers';
import { useWallShelters, WallShelterPanel } from '../shelters/WallShelters';
import type { MapScreen } from '../map/map-screen';
import { useRealtime } from '../shell/realtime';
import { ActiveWarnings } from '../warnings/ActiveWarnings';
import { useWarningsInForce } from '../warnings/useWarningsInForce';
import { warningLayers } from '../warnings/warning-layers';
import { AlertSound, type AlertSoundSpec, type SoundState } from './alert-sound';
import { wallApi } from './api';
import { useWallCameras, useWallVideoClient } from './camera-api';
import { CameraNearest } from './CameraNearest';
import { CameraPopup } from './CameraPopup';
import { ConnectionIndicator } from './ConnectionIndicator';
import { rankIncidents, rankPriority } from './feed-state';
import { dateTime, useNow } from './format';
import { GaugePanel } from './GaugePanel';
import { IncidentDetail } from './IncidentDetail';
import { IncidentQueue } from './IncidentQueue';
import { KpiBar, useCommandKpis } from './KpiBar';
import { LayerToggle } from './LayerToggle';
import { MapErrorBoundary } from './MapErrorBoundary';
import { toggleLayer, viewForMode, type LayerOverrides, type WallLayerId, type WallPanelId } from './mode-view';
import { ModeBand } from './ModeBand';
import { ModeSwitchDialog } from './ModeSwitchDialog';
import { StaleBanner } from './StaleBanner';
import { useCommandFeed } from './useCommandFeed';
import { useUnitRoutes } from './unit-routes';
import { WallMap } from './WallMap';
import { ConferenceChip } from '../modes/ConferenceChip';
import { LayoutNotice } from '../modes/LayoutNotice';
import { ProposalBar } from '../modes/ProposalBar';
import { ReceiptsPanel } from '../modes/ReceiptsPanel';
import { DutyPanel } from '../duty/DutyPanel';
import './wall.css';
import '../modes/modes.css';

/** Viewports at least this wide get the 4K wall layout (3840×2160); narrower ones the desktop layout. */
const WALL_QUERY = '(min-width: 3000px)';
/** How long a new incident at or above the mode's alert priority flashes (unless it leaves 新警情 sooner). */
const ALERT_FLASH_MS = 60_000;
/** Used until the mode profiles are loaded. */
const FALLBACK_ALERT_PRIORITY = 8;
const FALLBACK_SOUND: AlertSoundSpec = { pattern: 'two-tone', frequencyHz: 880, onMs: 250, offMs: 150, repeats: 3 };

export type WallLayout = 'wall' | 'desktop';

/** The map of each layout: labels 2.5× on the 4K wall (read from 6–10 m); the first view filled by the basemap. */
const WALL_MAP_SCREENS: Record<WallLayout, MapScreen> = {
  wall: { labelScale: 2.5, coverBasemap: true },
  desktop: { labelScale: 1, coverBasemap: true },
};

const NO_OVERRIDES: LayerOverrides = {};

/**
 * 指挥大屏: the mode band, KPIs, the incident queue, the live map, the flood gauges and the detail of the selected
 * incident, kept current over the session's socket. Which layers and panels show is the current mode's profile
 * (mode-view.ts), switching when the mode changes; operators may switch layers by hand until the next mode change.
 * Sized for a 3840×2160 wall or a desktop screen.
 */
export function WallPage() {
  const { can, state: session } = useSession();
  const me = session.status === 'signed-in' ? session.user.username : null;
  const { socket } = useRealtime();
  const layout = useWallLayout();
  const scale = layout === 'wall' ? 2 : 1;
  const readUnits = can('unit.read');
  const readGauges = can('gauge.read');
  const readResponses = can('response.read');
  const readReceipts = can('mode.receipts');
  const readDuty = can('duty.read');
  const readSirens = can('airdefense.siren.read');
  const readShelters = can('shelter.read');
  const access = useMemo(
    () => ({
      units: readUnits,
      gauges: readGauges,
      responses: readResponses,
      receipts: readReceipts,
      duty: readDuty,
      sirens: readSirens,
      shelters: readShelters,
    }),
    [readUnits, readGauges, readResponses, readReceipts, readDuty, readSirens, readShelters],
  );
  const { feed, profiles, connection, lastHeardAt, socketConnected, arrivals, error, applyModeState } = useCommandFeed(
    socket,
    access,
  );
  const now = useNow(1000);
  // Data on the wall as old as the gateway's last word, once it had spoken (not while the page first connects).
  const staleSince = connection === 'stale' && feed.loaded ? lastHeardAt : null;
  const profile: ModeProfile | null = profiles.find((p) => p.id === feed.mode?.mode) ?? null;

  // The operator's layer switches hold for one mode state: every mode change starts from the new profile's defaults.
  const modeKey = feed.mode ? `${feed.mode.mode}:${feed.mode.seq}` : null;
  const [switches, setSwitches] = useState<{ modeKey: string | null; layers: LayerOverrides }>({
    modeKey: null,
    layers: NO_OVERRIDES,
  });
  const overrides = switches.modeKey === modeKey ? switches.layers : NO_OVERRIDES;
  const view = useMemo(() => viewForMode(profile, overrides, access), [profile, overrides, access]);
  const flipLayer = useCallback(
    (id: WallLayerId) => setSwitches({ modeKey, layers: toggleLayer(overrides, view.defaults, id) }),
    [modeKey, overrides, view.defaults],
  );
  const resetLayers = useCallback(() => setSwitches({ modeKey, layers: NO_OVERRIDES }), [modeKey]);
  const shows = (panel: WallPanelId) => view.panels.includes(panel);
  const side = shows('queue') || shows('gauges') || shows('responses') || shows('receipts') || shows('duty') || shows('sirens');

  const queue = useMemo(() => rankIncidents(feed.incidents.values(), profile), [feed.incidents, profile]);
  const units = useMemo(() => [...feed.units.values()].sort((a, b) => a.id.localeCompare(b.id)), [feed.units]);
  const gauges = useMemo(() => [...feed.gauges.values()], [feed.gauges]);
  const minute = Math.floor(now / 60_000) * 60_000;
  const kpis = useCommandKpis(feed.incidents, feed.units);
  const warnings = useWarningsInForce(feed.warnings, now);
  const showWarnings = view.layers.includes('warnings');
  const warningAreas = useMemo(() => (showWarnings ? warningLayers(warnings, { scale }) : []), [showWarnings, warnings, scale]);
  const airDefence = useMemo(() => splitSirenItems(feed.sirens.values()), [feed.sirens]);
  const showSirens = view.layers.includes('sirens');
  const sirenCircles = useMemo(
    () => (showSirens ? sirenLayers(airDefence.sirens, { scale }) : []),
    [showSirens, airDefence.sirens, scale],
  );
  const underlays = useMemo(() => [...warningAreas, ...sirenCircles], [warningAreas, sirenCircles]);
  const showShelters = view.layers.includes('shelters');
  const shelters = useWallShelters(feed.shelters, showShelters, scale);

  // Alerting: appeared live within the last minute, still 新警情, at or above the mode's alert priority.
  const threshold = profile?.alertPriority ?? FALLBACK_ALERT_PRIORITY;
  const alertKey = [...arrivals]
    .filter(([id, at]) => {
      const inc = feed.incidents.get(id);
      return now - at < ALERT_FLASH_MS && inc?.status === 'new' && rankPriority(inc, profile) >= threshold;
    })
    .map(([id]) => id)
    .join(',');
  const alerting = useMemo<ReadonlySet<number>>(() => new Set(alertKey ? alertKey.split(',').map(Number) : []), [alertKey]);

  const sound = useAlertSound();
  const announced = useRef(new Set<number>());
  useEffect(() => {
    let fresh = false;
    for (const id of alerting) {
      if (announced.current.has(id)) continue;
      announced.current.add(id);
      fresh = true;
    }
    if (fresh) sound.play(profile?.alertSound ?? FALLBACK_SOUND);
  }, [alerting, profile, sound]);

  // Selection: from the queue (the map flies there) or from the map.
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [focus, setFocus] = useState<{ id: number; n: number } | null>(null);
  const selectFromQueue = useCallback((id: number) => {
    setSelectedId(id);
    setFocus((f) => ({ id, n: (f?.n ?? 0) + 1 }));
  }, []);
  const closeDetail = useCallback(() => setSelectedId(null), []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setSelectedId(null);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // The selected incident stays in view after it leaves the list, read once more for its final state.
  const live = selectedId === null ? null : (feed.incidents.get(selectedId) ?? null);
  const [held, setHeld] = useState<Incident | null>(null);
  useEffect(() => {
    if (live) setHeld(live);
  }, [live]);
  useEffect(() => {
    if (selectedId === null || live) return;
    let disposed = false;
    wallApi.incident(selectedId).then(
      (inc) => !disposed && setHeld(inc),
      () => undefined,
    );
    return () => {
      disposed = true;
    };
  }, [selectedId, live]);
  const selected = live ?? (held?.id === selectedId ? held : null);
  // The recommended units' drives to the selected incident, on the map.
  const [recommended, setRecommended] = useState<RecommendationResponse | null>(null);
  const routes = useUnitRoutes(selected, recommended);

  const [switching, setSwitching] = useState(false);
  const canSwitch = can('mode.change');

  // Cameras: on the map and near the selected incident for those who may list them, playing for those who may view.
  const listCameras = can('camera.list');
  const cameras = useWallCameras(listCameras);
  const videoClient = useWallVideoClient(can('camera.view') ? socket : null);
  const [openCamera, setOpenCamera] = useState<Camera | null>(null);
  const closeCamera = useCallback(() => setOpenCamera(null), []);

  return (
    <div
      className={`wall wall-live wall-${layout}${side ? ' with-side' : ''}${selected ? ' with-detail' : ''}${staleSince === null ? '' : ' stale'}`}
      data-testid="wall-page"
      data-layout={layout}
      data-ready={String(feed.loaded)}
      data-mode={feed.mode?.mode ?? ''}
      data-panels={[...view.panels, ...(selected ? ['detail'] : [])].join(',')}
    >
      <header className="app-header wall-header">
        <h1>{PRODUCT_NAME}</h1>
        <span className="app-subtitle">指挥大屏</span>
        <span className="wall-clock" aria-label="当前时间">
          {dateTime(now)}
        </span>
        <ConnectionIndicator state={connection} lastHeardAt={lastHeardAt} socketConnected={socketConnected} now={now} />
        <SoundToggle state={sound.state} plays={sound.plays} onUnlock={sound.unlock} onMute={sound.setMuted} />
        <UserMenu current="wall" />
      </header>
      <div className="mode-strip">
        <ModeBand mode={feed.mode} profile={profile} onSwitch={canSwitch ? () => setSwitching(true) : null} />
        <ProposalBar mode={feed.mode} now={now} onChanged={applyModeState} />
        <ConferenceChip modeKey={modeKey} />
        <LayoutNotice profiles={profiles} current={feed.mode?.mode ?? null} />
      </div>
      {shows('kpis') && (
        <div className="wall-panel-kpis" data-testid="wall-panel-kpis">
          <KpiBar kpis={kpis} mode={feed.mode} />
        </div>
      )}
      {staleSince !== null && <StaleBanner lastHeardAt={staleSince} now={now} />}
      <div className="wall-body">
        {side && (
          <div className="wall-side">
            {shows('responses') && (
              <ResponsesPanel items={feed.responses} tasks={feed.response_tasks} now={now} canDeclare={can('response.declare')} />
            )}
            {shows('queue') && (
              <div className="wall-panel-queue" data-testid="wall-panel-queue">
                <IncidentQueue
                  incidents={queue}
                  profile={profile}
                  selectedId={selectedId}
                  alerting={alerting}
                  now={now}
                  onSelect={selectFromQueue}
                />
              </div>
            )}
            {shows('gauges') && <GaugePanel gauges={gauges} now={minute} />}
            {shows('receipts') && <ReceiptsPanel now={now} refreshKey={modeKey} />}
            {shows('duty') && <DutyPanel refreshKey={modeKey} />}
            {shows('sirens') && (
              <SirenPanel
                sirens={airDefence.sirens}
                commands={airDefence.commands}
                now={now}
                me={me}
                canPropose={can('airdefense.command.propose')}
                canConfirm={can('airdefense.command.confirm')}
              />
            )}
          </div>
        )}
        <section
          className="wall-map"
          aria-label="警情与力量分布图"
          data-testid="wall-map"
          data-layers={view.layers.join(',')}
          data-cameras={cameras.length}
        >
          <LayerToggle view={view} modeLabel={profile?.label ?? null} onToggle={flipLayer} onReset={resetLayers} />
          <MapErrorBoundary screen={WALL_MAP_SCREENS[layout]}>
            <WallMap
              incidents={queue}
              units={units}
              gauges={gauges}
              selectedId={selectedId}
              alerting={alerting}
              now={now}
              scale={scale}
              layers={view.layers}
              focus={focus}
              onSelect={setSelectedId}
              cameras={cameras}
              openCameraId={openCamera?.id ?? null}
              onCameraSelect={setOpenCamera}
              underlays={underlays}
              zoomLayers={shelters.zoomLayers}
              tooltip={shelterTooltip}
              onPick={shelters.onPick}
              routes={routes}
            />
          </MapErrorBoundary>
          {showShelters && (
            <WallShelterPanel shelters={shelters.shelters} selected={shelters.selected} onClose={shelters.close} />
          )}
          {showWarnings && <ActiveWarnings warnings={warnings} />}
          {readSirens && <DrillBanner commands={airDefence.commands} now={now} />}
          {openCamera && <CameraPopup key={openCamera.id} camera={openCamera} client={videoClient} onClose={closeCamera} />}
          {error && (
            <div className="wall-error" role="alert">
              {error}
            </div>
          )}
          {!feed.loaded && !error && <div className="wall-loading">正在加载警情数据…</div>}
        </section>
        {selected && (
          <div className="wall-panel-detail" data-testid="wall-panel-detail">
            <IncidentDetail
              incident={selected}
              finished={!live}
              units={feed.units}
              queue={queue}
              profile={profile}
              now={now}
              canCommand={can('incident.command')}
              canDispatch={can('incident.dispatch')}
              onClose={closeDetail}
              onSelect={setSelectedId}
              onRecommendations={setRecommended}
              nearCameras={
                listCameras && (
                  <CameraNearest
                    lon={selected.place.lon}
                    lat={selected.place.lat}
                    openId={openCamera?.id ?? null}
                    onOpen={videoClient ? setOpenCamera : null}
                  />
                )
              }
            />
          </div>
        )}
      </div>
      {switching && (
        <ModeSwitchDialog
          current={feed.mode}
          profiles={profiles}
          onChanged={applyModeState}
          onClose={() => setSwitching(false)}
        />
      )}
    </div>
  );
}

export function useWallLayout(): WallLayout {
  const [wide, setWide] = useState(() => window.matchMedia(WALL_QUERY).matches);
  useEffect(() => {
    const query = window.matchMedia(WALL_QUERY);
    const sync = () => setWide(query.matches);
    sync();
    query.addEventListener('change', sync);
    return () => query.removeEventListener('change', sync);
  }, []);
  return wide ? 'wall' : 'desktop';
}

interface SoundApi {
  state: SoundState;
  /** Alerts that sounded since the page opened. */
  plays: number;
  unlock: () => void;
  setMuted: (muted: boolean) => void;
  play: (spec: AlertSoundSpec) => void;
}

/**
 * The page's alert sound. It starts by itself where the browser allows audio without a gesture (the wall display's
 * kiosk browser, started with `--autoplay-policy=no-user-gesture-required`: README, 指挥大屏); elsewhere the first
 * click or key press anywhere unlocks it.
 */
function useAlertSound(): SoundApi {
  const [sound] = useState(() => new AlertSound());
  const [state, setState] = useState<SoundState>(sound.state);
  const [plays, setPlays] = useState(0);
  useEffect(() => {
    const unsubscribe = sound.subscribe((s) => {
      setState(s);
      setPlays(sound.plays);
    });
    void sound.unlock();
    const onGesture = () => {
      if (sound.state === 'locked') void sound.unlock();
    };
    document.addEventListener('pointerdown', onGesture, true);
    document.addEventListener('keydown', onGesture, true);
    return () => {
      unsubscribe();
      document.removeEventListener('pointerdown', onGesture, true);
      document.removeEventListener('keydown', onGesture, true);
    };
  }, [sound]);
  useEffect(() => () => sound.close(), [sound]);
  return useMemo(
    () => ({
      state,
      plays,
      unlock: () => void sound.unlock(),
      setMuted: (muted: boolean) => sound.setMuted(muted),
      play: (spec: AlertSoundSpec) => sound.play(spec),
    }),
    [sound, state, plays],
  );
}

const SOUND_LABELS: Record<SoundState, string> = {
  locked: '告警音未启用 · 点击启用',
  on: '告警音：开',
  muted: '告警音已关闭',
};

/** Says plainly whether alerts will sound: off (locked by the browser, or muted) stands out in the header. */
interface SoundToggleProps {
  state: SoundState;
  plays: number;
  onUnlock: () => void;
  onMute: (muted: boolean) => void;
}

function SoundToggle({ state, plays, onUnlock, onMute }: SoundToggleProps) {
  const label = SOUND_LABELS[state];
  return (
    <button
      type="button"
      className={`header-button wall-sound ${state}`}
      data-testid="wall-sound"
      data-state={state}
      data-plays={plays}
      title={
        state === 'locked'
          ? '浏览器需要一次点击才允许播放告警音；大屏设备的浏览器按部署说明设置后无需点击'
          : state === 'on'
            ? '新的高优先级警情到达时播放告警音；点击关闭'
            : '告警音已关闭，新警情不会发声；点击打开'
      }
      role={state === 'on' ? undefined : 'status'}
      onClick={() => (state === 'locked' ? onUnlock() : onMute(state === 'on'))}
    >
      {label}
    </button>
  );
}
