import type { ModeProfile } from '../../../contracts/incidents';

export type AlertSoundSpec = ModeProfile['alertSound'];

/** `locked`: the browser has not allowed audio yet (no user gesture); `on`; `muted` by the operator. */
export type SoundState = 'locked' | 'on' | 'muted';

type AudioContextClass = typeof AudioContext;

function audioContextClass(): AudioContextClass | null {
  const w = window as Window & { webkitAudioContext?: AudioContextClass };
  return window.AudioContext ?? w.webkitAudioContext ?? null;
}

/**
 * Alert tones synthesised with WebAudio (no sound files, so the wall works offline), following the mode
 * profile's `alertSound`. Browsers refuse audio until the user has interacted with the page, unless started to allow
 * it (the wall display's kiosk browser): until then the sound is `locked`, the wall says so, and alerts are skipped;
 * the first click or key anywhere (or the 告警音未启用 button) unlocks it.
 */
export class AlertSound {
  private ctx: AudioContext | null = null;
  private muted = false;
  private busyUntil = 0;
  /** Alerts that sounded since the page opened (shown on the sound button for those who check the wall). */
  plays = 0;
  private readonly listeners = new Set<(state: SoundState) => void>();

  get state(): SoundState {
    if (!this.ctx || this.ctx.state !== 'running') return 'locked';
    return this.muted ? 'muted' : 'on';
  }

  subscribe(listener: (state: SoundState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const l of this.listeners) l(this.state);
  }

  /** Call from a user gesture: creates or resumes the audio context. Never throws. */
  async unlock(): Promise<SoundState> {
    try {
      const Ctor = audioContextClass();
      if (!Ctor) return this.state;
      if (!this.ctx) {
        this.ctx = new Ctor();
        this.ctx.onstatechange = () => this.emit();
      }
      if (this.ctx.state === 'suspended') await this.ctx.resume();
    } catch {
      // Refused or unavailable: stay locked, quietly.
    }
    this.emit();
    return this.state;
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
    this.emit();
  }

  /** Plays the alert pattern once (ignored while locked, muted, or while the previous alert still sounds). */
  play(spec: AlertSoundSpec): void {
    const ctx = this.ctx;
    if (!ctx || ctx.state !== 'running' || this.muted) return;
    const start = ctx.currentTime + 0.05;
    if (start < this.busyUntil) return;
    try {
      this.busyUntil = schedule(ctx, spec, start);
      this.plays++;
      this.emit();
    } catch {
      // A broken audio stack must not break the wall.
    }
  }

  close(): void {
    void this.ctx?.close().catch(() => undefined);
    this.ctx = null;
    this.listeners.clear();
  }
}

const VOLUME = 0.22;

/** Schedules the tones of one alert from `start`; returns when the sound ends (audio clock seconds). */
function schedule(ctx: AudioContext, spec: AlertSoundSpec, start: number): number {
  const on = Math.max(0.05, spec.onMs / 1000);
  const off = Math.max(0, spec.offMs / 1000);
  const repeats = Math.min(Math.max(1, Math.round(spec.repeats)), 20);
  const f = Math.min(Math.max(spec.frequencyHz, 100), 4000);
  const master = ctx.createGain();
  master.gain.value = VOLUME;
  master.connect(ctx.destination);

  let t = start;
  for (let i = 0; i < repeats; i++) {
    switch (spec.pattern) {
      case 'chime':
        // A soft bell: a sine falling a third, with a quick attack and long decay.
        tone(ctx, master, 'sine', i % 2 === 0 ? f : f * 0.8, t, on, 'decay');
        break;
      case 'two-tone':
        // Hi–lo: the two halves of each beat alternate between the frequency and a fourth below.
        tone(ctx, master, 'square', f, t, on / 2, 'flat', 0.5);
        tone(ctx, master, 'square', f * 0.75, t + on / 2, on / 2, 'flat', 0.5);
        break;
      case 'air-raid':
        // A siren: the pitch rises during `on` and falls back during `off`.
        sweep(ctx, master, f * 0.6, f * 1.4, t, on, off);
        break;
      default:
        tone(ctx, master, 'sine', f, t, on, 'flat');
    }
    t += on + off;
  }
  const end = t;
  window.setTimeout(() => master.disconnect(), Math.ceil((end - ctx.currentTime) * 1000) + 200);
  return end;
}

function tone(
  ctx: AudioContext,
  out: AudioNode,
  type: OscillatorType,
  frequency: number,
  at: number,
  duration: number,
  envelope: 'flat' | 'decay',
  level = 1,
): void {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.type = type;
  osc.frequency.setValueAtTime(frequency, at);
  gain.gain.setValueAtTime(0, at);
  gain.gain.linearRampToValueAtTime(level, at + 0.01);
  if (envelope === 'decay') gain.gain.exponentialRampToValueAtTime(0.001, at + duration);
  else {
    gain.gain.setValueAtTime(level, at + Math.max(0.011, duration - 0.02));
    gain.gain.linearRampToValueAtTime(0, at + duration);
  }
  osc.connect(gain).connect(out);
  osc.start(at);
  osc.stop(at + duration + 0.02);
}

function sweep(ctx: AudioContext, out: AudioNode, low: number, high: number, at: number, rise: number, fall: number): void {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.type = 'sawtooth';
  osc.frequency.setValueAtTime(low, at);
  osc.frequency.linearRampToValueAtTime(high, at + rise);
  if (fall > 0) osc.frequency.linearRampToValueAtTime(low, at + rise + fall);
  gain.gain.setValueAtTime(0, at);
  gain.gain.linearRampToValueAtTime(0.6, at + 0.03);
  gain.gain.setValueAtTime(0.6, Math.max(at + 0.031, at + rise + fall - 0.03));
  gain.gain.linearRampToValueAtTime(0, at + rise + fall);
  osc.connect(gain).connect(out);
  osc.start(at);
  osc.stop(at + rise + fall + 0.02);
}
