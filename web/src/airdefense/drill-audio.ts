import type { SignalPattern } from '../../../contracts/airdefense';

/**
 * Plays a siren signal's pattern through WebAudio for a drill (演练): a tone rising and falling around the signal's
 * frequency, sounding and silent as the pattern says, from the moment the command was confirmed. Nothing is played
 * before the page has had a user gesture (browsers refuse sound until then).
 */
export class DrillAudio {
  private ctx: AudioContext | null = null;
  private nodes: { osc: OscillatorNode; gain: GainNode } | null = null;
  /** The key of the pattern playing (the command id), so the same command is not restarted. */
  playing: string | null = null;

  /** Starts the pattern, `elapsedS` seconds in (a wall that opens mid-signal joins where it is). */
  play(key: string, p: Pick<SignalPattern, 'onS' | 'offS' | 'cycles' | 'toneHz'>, elapsedS: number): boolean {
    if (this.playing === key) return true;
    this.stop();
    const Ctor = window.AudioContext;
    if (!Ctor) return false;
    this.ctx ??= new Ctor();
    const ctx = this.ctx;
    void ctx.resume().catch(() => undefined);
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sawtooth';
    osc.connect(gain).connect(ctx.destination);
    const t0 = ctx.currentTime - Math.max(0, elapsedS);
    gain.gain.setValueAtTime(0, ctx.currentTime);
    for (let i = 0; i < p.cycles; i++) {
      const on = t0 + i * (p.onS + p.offS);
      const off = on + p.onS;
      if (off <= ctx.currentTime) continue;
      const start = Math.max(on, ctx.currentTime);
      gain.gain.setValueAtTime(0, start);
      gain.gain.linearRampToValueAtTime(0.12, start + 0.4);
      gain.gain.setValueAtTime(0.12, Math.max(start + 0.4, off - 0.4));
      gain.gain.linearRampToValueAtTime(0, off);
      // The wail: up and down by a fifth every four seconds.
      for (let t = start; t < off; t += 4) {
        osc.frequency.setValueAtTime(p.toneHz * 0.8, t);
        osc.frequency.linearRampToValueAtTime(p.toneHz * 1.2, Math.min(off, t + 2));
        osc.frequency.linearRampToValueAtTime(p.toneHz * 0.8, Math.min(off, t + 4));
      }
    }
    const end = t0 + p.cycles * (p.onS + p.offS);
    osc.start();
    osc.stop(Math.max(ctx.currentTime + 0.05, end));
    this.nodes = { osc, gain };
    this.playing = key;
    osc.onended = () => {
      if (this.nodes?.osc === osc) {
        this.nodes = null;
        this.playing = null;
      }
    };
    return true;
  }

  stop(): void {
    if (this.nodes) {
      try {
        this.nodes.osc.stop();
      } catch {
        // already stopped
      }
      this.nodes.osc.disconnect();
      this.nodes = null;
    }
    this.playing = null;
  }

  close(): void {
    this.stop();
    void this.ctx?.close().catch(() => undefined);
    this.ctx = null;
  }
}
