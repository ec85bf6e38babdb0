import { Router } from 'express';
import { z } from 'zod';
import { FEED_SOURCES, type FeedSource } from '../../contracts/incidents';
import type { AppDeps, ReadyState } from '../deps';
import type { Capability } from '../http/capability';
import { FeedRejection } from './adapter';
import { listDeadLetters } from './dead-letters';
import { parseFeedJson } from './payload';
import { reject, receiveRecord } from './receive';
import { auditMachineLoginFailure } from '../audit/machine-login';
import { origin } from '../auth/request';
import { checkSignature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './signature';
import { AppError, parseInput } from '../http/errors';

const sourceParam = z.object({
  source: z.enum(FEED_SOURCES, { error: `未知的数据来源；可用的来源：${FEED_SOURCES.join(', ')}` }),
});
const deadLetterQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  source: z.string().max(40).optional(),
});

/**
 * Agency webhooks: `POST /api/feeds/{source}` with the raw JSON body signed per source (HMAC-SHA256, see
 * data/feeds/README.md). 201 for a new record, 200 for a redelivery, both only once the record is durable;
 * 4xx with the reason otherwise (and a dead letter for records from an authenticated source).
 */
function feedRoutes(state: ReadyState, { config }: AppDeps): Router {
  const { db } = state;
  const r = Router();

  r.get('/feeds/dead-letters', async (req, res) => {
    const { limit, source } = parseInput(deadLetterQuery, req.query);
    res.json({ deadLetters: await listDeadLetters(db, limit, source) });
  });

  r.post('/feeds/:source', async (req, res) => {
    const { source } = parseInput(sourceParam, req.params, 'not_found') as { source: FeedSource };
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const secret = state.command.keys.secretOf(source);
    if (!secret) throw new AppError('unavailable', `数据来源 ${source} 未配置签名密钥：请管理员先配置密钥`);
    const check = checkSignature(secret, req.get(TIMESTAMP_HEADER), req.get(SIGNATURE_HEADER), raw, Date.now());
    if (!check.ok) {
      await auditMachineLoginFailure(
        { db: state.db, config },
        { channel: 'webhook', principal: source, reason: check.message, ...origin(req) },
      );
      throw new AppError('unauthenticated', check.message);
    }
    const text = raw.toString('utf8');
    if (!req.is('application/json')) {
      await reject(state, source, 'http', text, new FeedRejection('malformed', '请以 Content-Type: application/json 发送记录'));
    }
    let body: unknown;
    try {
      body = parseFeedJson(text);
    } catch (err) {
      if (err instanceof FeedRejection) await reject(state, source, 'http', text, err);
      throw err;
    }
    const ack = await receiveRecord(state, source, body, text, 'http');
    res.status(ack.created ? 201 : 200).json(ack);
  });

  return r;
}

/** Agency webhooks and their dead letters. */
export const feedsCapability: Capability = { name: 'feeds', ready: { paths: ['/feeds'], routes: feedRoutes } };
