import { createHash, randomBytes } from 'node:crypto';
import type { ChannelKeyResponse } from '../../contracts/cases';
import type { Queryable } from '../../geo/db/types';
import { caseSql } from './sql';

/** The channels that report cases through Open311 (the 12319 hotline, a public app, a partner system) and their keys. */

const INSERT_SQL = caseSql('channel-insert.sql');
const BY_KEY_SQL = caseSql('channel-by-key.sql');

type ChannelKind = ChannelKeyResponse['channel'];

const keyDigest = (key: string): string => createHash('sm3').update(key, 'utf8').digest('hex');

/** Issues an Open311 api_key to a channel; only its SM3 digest is stored, the key is shown once. */
export async function issueChannelKey(
  db: Queryable,
  channel: ChannelKind,
  name: string,
  by: string,
): Promise<ChannelKeyResponse> {
  const apiKey = `hbk_${randomBytes(24).toString('base64url')}`;
  const [row] = await db.query<{ id: number }>(INSERT_SQL, [channel, name, keyDigest(apiKey), by]);
  return { id: Number(row!.id), channel, name, apiKey };
}

/** The channel an api_key belongs to, or null when it is unknown or revoked. */
export async function channelByKey(
  db: Queryable,
  apiKey: string,
): Promise<{ id: number; channel: ChannelKind; name: string } | null> {
  const [row] = await db.query<{ id: number; channel: ChannelKind; name: string }>(BY_KEY_SQL, [keyDigest(apiKey)]);
  return row ? { ...row, id: Number(row.id) } : null;
}
