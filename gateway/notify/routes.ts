import { Router } from 'express';
import { z } from 'zod';
import { contactSchema, notificationListQuerySchema, sendNotificationSchema, type ContactView } from '../../contracts/notify';
import { auditChange } from '../audit/change-detail';
import { principalOf } from '../auth/request';
import type { AppDeps, ReadyState } from '../deps';
import type { Capability } from '../http/capability';
import { AppError, parseInput } from '../http/errors';
import { NotifyService } from './service';
import { enqueueNotification } from './enqueue';
import { listNotifications, notificationDetail } from './history';
import { acknowledge, inboxOf } from './inbox';

const idParam = z.object({ id: z.uuid({ error: '编号格式不正确' }) });

/**
 * Notifications: the channels and whether they are on, a person's own inbox with acknowledgement, the delivery
 * states of every notification (for the duty desk), a notification sent by hand, and where people are reached.
 */
function notifyRoutes({ db }: ReadyState, deps: AppDeps): Router {
  const r = Router();
  const service = deps.notify ?? new NotifyService(deps.config, deps.log);

  r.get('/notify/channels', (_req, res) => {
    res.json({ channels: service.channels() });
  });

  r.get('/notify/inbox', async (req, res) => {
    res.json(await inboxOf(db, principalOf(req).userId));
  });

  r.post('/notify/inbox/:id/ack', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const item = await db.transaction((tx) => acknowledge(tx, principalOf(req).userId, id, new Date()));
    auditChange(req, { acknowledged: { notification: item.notificationId, recipient: id } });
    res.json(item);
  });

  r.get('/notify/notifications', async (req, res) => {
    const q = parseInput(notificationListQuerySchema, req.query);
    res.json({ notifications: await listNotifications(db, q) });
  });

  r.get('/notify/notifications/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    res.json(await notificationDetail(db, id));
  });

  r.post('/notify/notifications', async (req, res) => {
    const input = parseInput(sendNotificationSchema, req.body ?? {});
    const p = principalOf(req);
    const known = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM department WHERE id = ANY ($1::text[]) AND active',
      [input.departmentIds],
    );
    if (known[0]!.n !== new Set(input.departmentIds).size) throw new AppError('bad_request', '所选部门中有不存在或已停用的部门');
    const result = await db.transaction(async (tx) => {
      const queued = await enqueueNotification(tx, {
        audience: { departmentIds: input.departmentIds, userIds: input.userIds },
        title: input.title,
        body: input.body,
        source: { kind: 'manual', id: p.username },
        urgent: input.urgent,
      });
      // Nobody to reach: the transaction is rolled back, nothing is kept.
      if (queued.recipients === 0) throw new AppError('bad_request', '所选部门和用户中没有可以接收通知的人员');
      return queued;
    });
    auditChange(req, { notification: { id: result.id, recipients: result.recipients, urgent: input.urgent } });
    res.status(201).json(await notificationDetail(db, result.id));
  });

  r.get('/notify/contacts', async (_req, res) => {
    const rows = await db.query<{
      user_id: string;
      username: string;
      display_name: string;
      department_id: string | null;
      phone: string | null;
      email: string | null;
    }>(
      `SELECT u.id AS user_id, u.username, u.display_name, u.department_id, c.phone, c.email
         FROM app_user u LEFT JOIN notify_contact c ON c.user_id = u.id
        WHERE u.kind = 'person' AND u.disabled_at IS NULL
        ORDER BY u.department_id NULLS LAST, u.username`,
    );
    const contacts: ContactView[] = rows.map((c) => ({
      userId: c.user_id,
      username: c.username,
      displayName: c.display_name,
      departmentId: c.department_id,
      phone: c.phone,
      email: c.email,
    }));
    res.json({ contacts });
  });

  r.put('/notify/contacts/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const input = parseInput(contactSchema, req.body ?? {});
    const before = await db.transaction(async (tx) => {
      const [user] = await tx.query<{ phone: string | null; email: string | null }>(
        `SELECT c.phone, c.email FROM app_user u LEFT JOIN notify_contact c ON c.user_id = u.id
          WHERE u.id = $1 AND u.kind = 'person' FOR UPDATE OF u`,
        [id],
      );
      if (!user) throw new AppError('not_found', '没有这个用户');
      await tx.query(
        `INSERT INTO notify_contact (user_id, phone, email, updated_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (user_id) DO UPDATE SET phone = EXCLUDED.phone, email = EXCLUDED.email, updated_at = now()`,
        [id, input.phone, input.email],
      );
      return user;
    });
    auditChange(req, {
      contact: { user: id, phone: { from: before.phone, to: input.phone }, email: { from: before.email, to: input.email } },
    });
    res.json({ userId: id, ...input });
  });

  return r;
}

export const notifyCapability: Capability = { name: 'notify', ready: { paths: ['/notify'], routes: notifyRoutes } };
