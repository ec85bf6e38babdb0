import { z } from 'zod';
import type { SignalPattern, SirenSignal } from '../../contracts/airdefense';

/**
 * The MQTT wire between the platform and each siren (data/airdefense/mqtt.md): one command topic per siren that the
 * platform publishes to, one state topic per siren that the siren publishes to, both QoS 1.
 */
export const SIREN_TOPIC_PREFIX = 'harbin/airdefense/sirens/';
export const SIREN_STATE_FILTER = `${SIREN_TOPIC_PREFIX}+/state`;
export const commandTopic = (sirenId: string): string => `${SIREN_TOPIC_PREFIX}${sirenId}/cmd`;
export const stateTopic = (sirenId: string): string => `${SIREN_TOPIC_PREFIX}${sirenId}/state`;

/** The siren id of a state topic, or null when the topic is not one. */
export function sirenOfStateTopic(topic: string): string | null {
  const m = /^harbin\/airdefense\/sirens\/([A-Za-z0-9_-]{1,40})\/state$/.exec(topic);
  return m ? m[1]! : null;
}

/** What the platform tells a siren to do. A drill (`drill: true`) is acknowledged and reported but not sounded. */
export interface SirenCommandMessage {
  commandId: string;
  signal: SirenSignal;
  drill: boolean;
  pattern: Pick<SignalPattern, 'onS' | 'offS' | 'cycles'>;
  issuedAt: string;
}

export const SIREN_REPORTS = ['ack', 'sounding', 'done', 'fault', 'idle'] as const;
export type SirenReport = (typeof SIREN_REPORTS)[number];

/** What a siren reports: an answer to a command (with its id) or its own state when polled or changed. */
export const sirenStateMessage = z
  .object({
    state: z.enum(SIREN_REPORTS),
    commandId: z.uuid().optional(),
    at: z.iso.datetime({ offset: true }).optional(),
    fault: z.string().max(200).optional(),
  })
  .strict();
export type SirenStateMessage = z.infer<typeof sirenStateMessage>;
