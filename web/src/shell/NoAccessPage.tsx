import { useEffect, useState } from 'react';
import { policyActionsSchema, type PolicyActionView } from '../../../contracts/audit';
import { PageFrame } from '../admin/PageFrame';
import { call, messageOf } from '../api/http';
import { useSignedIn } from '../identity/session';
import { goTo } from './navigation';
import { pageRoute, type PageId } from './routes';
import './no-access.css';

/**
 * 无权访问: a signed-in user asked for a page their role may not open. Says which page, which role they have and
 * which roles may open it (the page's actions in routes.ts, their labels and grants from data/policy.json through
 * `GET /api/auth/actions`), instead of showing another page in its place.
 */
export function NoAccessPage({ page }: { page: PageId }) {
  const { user } = useSignedIn();
  const route = pageRoute(page);
  const [actions, setActions] = useState<PolicyActionView[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    call('GET', '/api/auth/actions', policyActionsSchema).then(
      (r) => setActions(r.actions),
      (err: unknown) => setError(messageOf(err)),
    );
  }, []);

  const needed = (route.anyOf ?? []).map((id) => actions?.find((a) => a.id === id) ?? null);
  const roles = [...new Set(needed.flatMap((a) => a?.roles ?? []))];
  return (
    <PageFrame page={page} title="无权访问">
      <section className="no-access" role="alert" data-testid="no-access" data-page={page}>
        <h2>无权访问「{route.label}」</h2>
        <p>
          当前账号 {user.displayName}（角色「{user.roleName}」）不能打开此页面。
        </p>
        {actions && (
          <>
            <p data-testid="no-access-roles">
              需要以下角色之一：<strong>{roles.length ? roles.join('、') : '（权限策略中无角色可打开）'}</strong>
            </p>
            <ul className="no-access-actions">
              {needed.map((a, i) =>
                a ? (
                  <li key={a.id}>
                    「{a.label}」：{a.roles.join('、')}
                  </li>
                ) : (
                  <li key={route.anyOf?.[i]}>权限策略中没有操作 {route.anyOf?.[i]}</li>
                ),
              )}
            </ul>
          </>
        )}
        {!actions && !error && <p className="muted">正在读取所需权限…</p>}
        {error && <p className="warning">无法读取所需权限：{error}</p>}
        <p className="muted">如需开通，请联系系统管理员调整角色。</p>
        <button type="button" className="primary" onClick={() => goTo('map')}>
          返回指挥一张图
        </button>
      </section>
    </PageFrame>
  );
}
