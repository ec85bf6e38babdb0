import { EventEmitter } from 'node:events';
import type { Change } from '../../contracts/incidents';

/**
 * Committed changes, handed from the writers (feeds, commands, modes) to the realtime server. Writers publish
 * only after commit; the realtime server, when attached, fans them out to subscribed clients.
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
