import { useEffect, useMemo, useRef, useState } from 'react';
import {
  COMMAND_STATE_LABELS,
  SIREN_STATE_LABELS,
  SIREN_STATES,
  type SignalPattern,
  type Siren,
  type SirenCommandSummary,
  type SirenScope,
  type SirenSignal,
} from '../../../contracts/airdefense';
import { messageOf } from '../api/http';
import { airdefenseApi } from './api';
import { DrillAudio } from './drill-audio';
import './airdefense.css';

interface Props {
  sirens: readonly Siren[];
  commands: readonly SirenCommandSummary[];
  now: number;
  /** The signed-in person's login: a proposal of their own cannot be confirmed by them. */
  me: string | null;
  canPropose: boolean;
  canConfirm: boolean;
}

const SIGNAL_ORDER: SirenSignal[] = ['warning', 'air_raid', 'all_clear', 'test'];
const durationS = (p: Pick<SignalPattern, 'onS' | 'offS' | 'cycles'>) => p.cycles * (p.onS + p.offS);

/** The signals of data/airdefense/signals.json, read once. */
function useSignals(): ReadonlyMap<SirenSignal, SignalPattern> {
  const [signals, setSignals] = useState<ReadonlyMap<SirenSignal, SignalPattern>>(new Map());
  useEffect(() => {
    const ac = new AbortController();
    airdefenseApi.signals(ac.signal).then(
      (r) => setSignals(new Map(r.signals.map((s) => [s.id, s]))),
      () => undefined,
    );
    return () => ac.abort();
  }, []);
  return signals;
}

/** The command sounding now (confirmed, its pattern not yet over), if any. */
export function soundingCommand(
  commands: readonly SirenCommandSummary[],
  signals: ReadonlyMap<SirenSignal, SignalPattern>,
  now: number,
): { command: SirenCommandSummary; pattern: SignalPattern; elapsedS: number } | null {
  for (const command of commands) {
    const pattern = signals.get(command.signal);
    if (!pattern || !command.confirmedAt) continue;
    const elapsedS = (now - Date.parse(command.confirmedAt)) / 1000;
    if (elapsedS >= 0 && elapsedS < durationS(pattern)) return { command, pattern, elapsedS };
  }
  return null;
}

/**
 * 防空警报控制 for the wall and the desk: the sirens' states, a proposal (signal, scope, drill, reason), the commands
 * with their confirmation by a second person, each siren's acknowledgement progress, the coverage gaps of failed or
 * silent sirens, and the signal's timeline. A drill sounding now is played on the page (WebAudio) under a 演练 banner.
 */
export function SirenPanel({ sirens, commands, now, me, canPropose, canConfirm }: Props) {
  const signals = useSignals();
  const active = soundingCommand(commands, signals, now);
  const counts = useMemo(() => {
    const c = Object.fromEntries(SIREN_STATES.map((s) => [s, 0])) as Record<(typeof SIREN_STATES)[number], number>;
    for (const s of sirens) c[s.state]++;
    return c;
  }, [sirens]);

  // A drill sounds on the page while its pattern runs (real signals sound outside, from the sirens themselves).
  const audio = useRef<DrillAudio | null>(null);
  const drill = active?.command.drill ? active : null;
  const drillKey = drill ? drill.command.id : null;
  const [playing, setPlaying] = useState<string | null>(null);
  useEffect(() => {
    audio.current ??= new DrillAudio();
    if (!drill) {
      audio.current.stop();
      setPlaying(null);
      return;
    }
    setPlaying(audio.current.play(drill.command.id, drill.pattern, drill.elapsedS) ? drill.command.signal : null);
    // The pattern is started once per command; `elapsedS` moves every second and is not a reason to restart.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [drillKey]);
  useEffect(() => () => audio.current?.close(), []);

  return (
    <section className="siren-panel" data-testid="siren-panel" aria-label="防空警报控制" data-audio={playing ?? 'off'}>
      <header className="wall-section-head">
        <h2>防空警报</h2>
        <span className="siren-counts" data-testid="siren-counts">
          {SIREN_STATES.map((s) => (
            <span key={s} className={`siren-count ${s}`}>
              {SIREN_STATE_LABELS[s]} {counts[s]}
            </span>
          ))}
        </span>
      </header>
      {active && <SignalTimeline pattern={active.pattern} elapsedS={active.elapsedS} drill={active.command.drill} />}
      {canPropose && <ProposeForm sirens={sirens} signals={signals} />}
      <ol className="siren-commands" data-testid="siren-commands">
        {commands.slice(0, 6).map((c) => (
          <CommandItem key={c.id} command={c} now={now} signals={signals} canConfirm={canConfirm && c.proposedBy !== me} />
        ))}
        {commands.length === 0 && <li className="wall-empty">暂无警报命令</li>}
      </ol>
    </section>
  );
}

/** The 演练 banner over the map while a drill's signal runs. */
export function DrillBanner({ commands, now }: { commands: readonly SirenCommandSummary[]; now: number }) {
  const signals = useSignals();
  const active = soundingCommand(commands, signals, now);
  if (!active?.command.drill) return null;
  const left = Math.max(0, Math.ceil(durationS(active.pattern) - active.elapsedS));
  return (
    <div className="drill-banner" role="status" data-testid="drill-banner" data-signal={active.command.signal}>
      <strong>演练</strong>
      <span>
        {active.pattern.label}（模拟鸣放，警报器不实际发声）· {active.command.scopeLabel} · 剩余 {left} 秒
      </span>
    </div>
  );
}

function SignalTimeline({ pattern, elapsedS, drill }: { pattern: SignalPattern; elapsedS: number; drill: boolean }) {
  const total = durationS(pattern);
  const segments = Array.from({ length: pattern.cycles }, (_, i) => ({
    start: i * (pattern.onS + pattern.offS),
    len: pattern.onS,
  }));
  return (
    <div className="siren-timeline" data-testid="siren-timeline" data-signal={pattern.id}>
      <div className="siren-timeline-label">
        {drill ? '演练 · ' : ''}
        {pattern.label}：
        {pattern.offS ? `鸣 ${pattern.onS} 秒、停 ${pattern.offS} 秒，${pattern.cycles} 遍` : `连续鸣 ${pattern.onS} 秒`}
      </div>
      <svg viewBox={`0 0 ${total} 10`} preserveAspectRatio="none" className="siren-timeline-bar" aria-hidden="true">
        <rect x={0} y={0} width={total} height={10} className="off" />
        {segments.map((s) => (
          <rect key={s.start} x={s.start} y={0} width={s.len} height={10} className="on" />
        ))}
        <rect x={Math.min(total, elapsedS)} y={0} width={total / 200} height={10} className="cursor" />
      </svg>
    </div>
  );
}

function ProposeForm({ sirens, signals }: { sirens: readonly Siren[]; signals: ReadonlyMap<SirenSignal, SignalPattern> }) {
  const districts = useMemo(() => {
    const m = new Map<string, string>();
    for (const s of sirens) m.set(s.district, s.districtName);
    return [...m].sort((a, b) => a[0].localeCompare(b[0]));
  }, [sirens]);
  const [signal, setSignal] = useState<SirenSignal>('air_raid');
  const [scope, setScope] = useState('all');
  const [drill, setDrill] = useState(true);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const submit = async () => {
    setBusy(true);
    setMessage(null);
    const target: SirenScope = scope === 'all' ? { all: true } : { district: scope };
    try {
      const c = await airdefenseApi.propose({ scope: target, signal, drill, reason });
      setMessage({ ok: true, text: `已提出（${c.sirenCount} 台），待另一位领导确认` });
      setReason('');
    } catch (err) {
      setMessage({ ok: false, text: messageOf(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="siren-propose"
      data-testid="siren-propose"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label>
        信号
        <select value={signal} onChange={(e) => setSignal(e.target.value as SirenSignal)} data-testid="siren-signal">
          {SIGNAL_ORDER.map((id) => (
            <option key={id} value={id}>
              {signals.get(id)?.label ?? id}
            </option>
          ))}
        </select>
      </label>
      <label>
        范围
        <select value={scope} onChange={(e) => setScope(e.target.value)} data-testid="siren-scope">
          <option value="all">全控（全部）</option>
          {districts.map(([code, name]) => (
            <option key={code} value={code}>
              群控：{name}
            </option>
          ))}
        </select>
      </label>
      <label className="siren-drill">
        <input type="checkbox" checked={drill} onChange={(e) => setDrill(e.target.checked)} data-testid="siren-drill" />
        演练
      </label>
      <input
        className="siren-reason"
        placeholder="理由（必填）"
        value={reason}
        maxLength={300}
        onChange={(e) => setReason(e.target.value)}
        data-testid="siren-reason"
      />
      <button type="submit" disabled={busy || reason.trim().length < 2} data-testid="siren-submit">
        提出
      </button>
      {message && (
        <p className={message.ok ? 'siren-ok' : 'siren-error'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
    </form>
  );
}

function CommandItem({
  command: c,
  now,
  signals,
  canConfirm,
}: {
  command: SirenCommandSummary;
  now: number;
  signals: ReadonlyMap<SirenSignal, SignalPattern>;
  canConfirm: boolean;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const answered = c.counts.acked + c.counts.sounding + c.counts.completed;
  const pct = (n: number) => `${(100 * n) / Math.max(1, c.sirenCount)}%`;
  const left = Math.max(0, Math.round((Date.parse(c.expiresAt) - now) / 1000));
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await airdefenseApi.confirm(c.id);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className={`siren-command ${c.state}`} data-testid="siren-command" data-state={c.state} data-id={c.id}>
      <div className="siren-command-head">
        {c.drill && <span className="siren-drill-badge">演练</span>}
        <strong>{signals.get(c.signal)?.label ?? c.signal}</strong>
        <span>{c.scopeLabel}</span>
        <span className="siren-state">{COMMAND_STATE_LABELS[c.state]}</span>
      </div>
      <div className="siren-command-who">
        提出：{c.proposedBy}（{c.reason}）{c.confirmedBy ? ` · 确认：${c.confirmedBy}` : ''}
      </div>
      {c.state === 'pending' && (
        <div className="siren-confirm">
          <span>待双人确认，剩余 {left} 秒</span>
          {canConfirm && (
            <button type="button" onClick={() => void confirm()} disabled={busy} data-testid="siren-confirm">
              确认鸣放
            </button>
          )}
        </div>
      )}
      {c.confirmedAt && (
        <>
          <div
            className="siren-progress"
            aria-label="回执进度"
            data-testid="siren-progress"
            data-answered={answered}
            data-total={c.sirenCount}
          >
            <span className="done" style={{ width: pct(c.counts.completed) }} />
            <span className="acked" style={{ width: pct(c.counts.acked + c.counts.sounding) }} />
            <span className="failed" style={{ width: pct(c.counts.failed) }} />
            <span className="silent" style={{ width: pct(c.counts.no_answer) }} />
          </div>
          <div className="siren-progress-text">
            回执 {answered}/{c.sirenCount} · 完成 {c.counts.completed} · 故障 {c.counts.failed} · 无应答 {c.counts.no_answer}
            {c.fullAckMs !== null && (
              <span data-testid="siren-full-ack"> · 全部回执用时 {(c.fullAckMs / 1000).toFixed(1)} 秒</span>
            )}
          </div>
          {c.gaps.length > 0 && (
            <div className="siren-gaps" data-testid="siren-gaps">
              覆盖缺口：
              {c.gaps
                .slice(0, 6)
                .map((g) => `${g.streetName} ${Math.round(g.uncoveredShare * 100)}%`)
                .join('、')}
              {c.gaps.length > 6 ? ` 等 ${c.gaps.length} 个街道` : ''}
            </div>
          )}
        </>
      )}
      {error && (
        <p className="siren-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
