import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { FEED_SOURCES, type FeedSource } from '../../contracts/incidents';

const credential = z.object({ username: z.string().min(3), password: z.string().min(16) });
const keysSchema = z.object({
  sources: z.record(z.enum(FEED_SOURCES), z.object({ secret: z.string().min(32, 'a feed secret has at least 32 characters') })),
  mqtt: z.object({ gateway: credential, flood: credential, avl: credential }),
});

/** Per-source webhook secrets and per-stream MQTT credentials (FEED_KEYS_FILE). */
export interface FeedKeys {
  secretOf(source: FeedSource): string | null;
  mqtt: z.infer<typeof keysSchema>['mqtt'];
}

export function loadFeedKeys(file: string): FeedKeys {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`FEED_KEYS_FILE ${file} cannot be read: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
  const parsed = keysSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`FEED_KEYS_FILE ${file}: ${z.prettifyError(parsed.error)}`);
  const { sources, mqtt } = parsed.data;
  return { secretOf: (s) => sources[s]?.secret ?? null, mqtt };
}
