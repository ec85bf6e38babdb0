import { EventEmitter } from 'node:events';
import type { Change } from '../../contracts/incidents';

/**
 * Committed changes, announced by the writers of this process (feeds, commands, modes) right after commit. The
 * realtime server takes it as a signal to read the change log at once (other processes' commits reach it by
 * NOTIFY); tools and tests may listen too.
 */
export class ChangeHub {
  private readonly emitter = new EventEmitter();

  publish(changes: readonly Change[]): void {
    if (changes.length) this.emitter.emit('changes', changes);
  }

  subscribe(listener: (changes: readonly Change[]) => void): () => void {
    this.emitter.on('changes', listener);
    return () => this.emitter.off('changes', listener);
  }
}
