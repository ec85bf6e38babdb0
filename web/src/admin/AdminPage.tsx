import { useCallback, useEffect, useState } from 'react';
import { messageOf } from '../api/http';
import { adminApi, type AdminData } from './api';
import { DepartmentsTab } from './DepartmentsTab';
import { PageFrame } from './PageFrame';
import { RolesTab } from './RolesTab';
import { UsersTab } from './UsersTab';

type Tab = 'users' | 'roles' | 'departments';
const TABS: { id: Tab; label: string }[] = [
  { id: 'users', label: '用户管理' },
  { id: 'roles', label: '角色' },
  { id: 'departments', label: '部门管理' },
];

/** 用户/角色/部门管理 for the system administrator. */
export function AdminPage() {
  const [tab, setTab] = useState<Tab>('users');
  const [data, setData] = useState<AdminData | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      const [users, roles, departments] = await Promise.all([adminApi.users(), adminApi.roles(), adminApi.departments()]);
      setData({ users, roles, departments });
      setError(null);
    } catch (err) {
      setError(messageOf(err));
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  return (
    <PageFrame page="admin" title="系统管理">
      <nav className="admin-tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            className={tab === t.id ? 'active' : ''}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </nav>
      {error && <p className="warning">{error}</p>}
      {!data && !error && <p className="muted">正在加载…</p>}
      {data && tab === 'users' && <UsersTab data={data} reload={reload} />}
      {data && tab === 'roles' && <RolesTab roles={data.roles} />}
      {data && tab === 'departments' && <DepartmentsTab departments={data.departments} reload={reload} />}
    </PageFrame>
  );
}
