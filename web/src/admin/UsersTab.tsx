import { useState } from 'react';
import type { UserSummary } from '../../../contracts/identity';
import { messageOf } from '../api/http';
import { adminApi, type AdminData } from './api';
import { UserForm } from './UserForm';
import { UserTokensDialog } from './UserTokensDialog';

const time = (iso: string) => new Date(iso).toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit' });

function status(u: UserSummary): string {
  if (u.disabled) return '已停用';
  if (u.lockedUntil) return `锁定至 ${time(u.lockedUntil)}`;
  if (u.mustChangePassword) return '待修改初始密码';
  return '正常';
}

/** 用户管理: accounts with their role, department and state, and the actions on them. */
export function UsersTab({ data, reload }: { data: AdminData; reload: () => Promise<void> }) {
  const [editing, setEditing] = useState<UserSummary | 'new' | null>(null);
  const [resetting, setResetting] = useState<UserSummary | null>(null);
  const [tokensOf, setTokensOf] = useState<UserSummary | null>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const roleName = (id: string) => data.roles.find((r) => r.id === id)?.name ?? id;
  const privileged = (u: UserSummary) => data.roles.find((r) => r.id === u.role)?.privileged ?? false;
  const deptName = (id: string | null) => (id ? (data.departments.find((d) => d.id === id)?.name ?? id) : '—');

  const act = async (run: () => Promise<unknown>, ok: string) => {
    try {
      await run();
      setMessage({ text: ok, error: false });
      await reload();
    } catch (err) {
      setMessage({ text: messageOf(err), error: true });
    }
  };

  return (
    <section className="admin-section">
      <div className="admin-toolbar">
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          新建用户
        </button>
        {message && <span className={message.error ? 'warning' : 'admin-ok'}>{message.text}</span>}
      </div>
      <table className="admin-table">
        <thead>
          <tr>
            <th>登录名</th>
            <th>姓名</th>
            <th>角色</th>
            <th>部门</th>
            <th>状态</th>
            <th>在线会话</th>
            <th>操作</th>
          </tr>
        </thead>
        <tbody>
          {data.users.map((u) => (
            <tr key={u.id} data-username={u.username}>
              <td>
                <code>{u.username}</code>
              </td>
              <td>{u.displayName}</td>
              <td>{roleName(u.role)}</td>
              <td>{deptName(u.departmentId)}</td>
              <td>{status(u)}</td>
              <td>{u.activeSessions}</td>
              <td className="row-actions">
                {privileged(u) ? (
                  <span className="muted">特权账号（三员分立，不在此管理）</span>
                ) : (
                  <>
                    <button type="button" onClick={() => setEditing(u)}>
                      编辑
                    </button>
                    <button type="button" onClick={() => setResetting(u)}>
                      重置密码
                    </button>
                    <button
                      type="button"
                      onClick={() =>
                        void act(() => adminApi.revokeSessions(u.id), `${u.username} 已强制下线，其会话与 API 令牌均已失效`)
                      }
                    >
                      强制下线
                    </button>
                    <button type="button" onClick={() => setTokensOf(u)}>
                      API 令牌
                    </button>
                    {u.lockedUntil && (
                      <button type="button" onClick={() => void act(() => adminApi.unlock(u.id), `${u.username} 已解除锁定`)}>
                        解除锁定
                      </button>
                    )}
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing && (
        <UserForm
          data={data}
          user={editing === 'new' ? null : editing}
          onDone={(text) => {
            setEditing(null);
            if (text) {
              setMessage({ text, error: false });
              void reload();
            }
          }}
        />
      )}
      {tokensOf && <UserTokensDialog user={tokensOf} onClose={() => setTokensOf(null)} />}
      {resetting && (
        <ResetPassword
          user={resetting}
          onDone={(text) => {
            setResetting(null);
            if (text) void act(() => Promise.resolve(), text);
          }}
        />
      )}
    </section>
  );
}

function ResetPassword({ user, onDone }: { user: UserSummary; onDone: (message: string | null) => void }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="modal-backdrop">
      <form
        className="panel identity-dialog admin-form"
        role="dialog"
        aria-modal
        onSubmit={(e) => {
          e.preventDefault();
          adminApi.resetPassword(user.id, password).then(
            () => onDone(`已重置 ${user.username} 的密码，其会话已全部退出，下次登录须修改密码`),
            (err: unknown) => setError(messageOf(err)),
          );
        }}
      >
        <header>
          <h2>重置 {user.username} 的密码</h2>
        </header>
        <label>
          新的临时密码
          <input
            name="password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error && <p className="login-error">{error}</p>}
        <div className="dialog-actions">
          <button type="button" className="secondary" onClick={() => onDone(null)}>
            取消
          </button>
          <button type="submit">重置</button>
        </div>
      </form>
    </div>
  );
}
