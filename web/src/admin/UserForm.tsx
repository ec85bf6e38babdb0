import { useState, type FormEvent } from 'react';
import type { RoleId, UserSummary } from '../../../contracts/identity';
import { messageOf } from '../api/http';
import { adminApi, type AdminData } from './api';

/** 新建用户 / 编辑用户. Only grantable roles are offered; the server checks everything again. */
export function UserForm({
  data,
  user,
  onDone,
}: {
  data: AdminData;
  user: UserSummary | null;
  onDone: (message: string | null) => void;
}) {
  const grantable = data.roles.filter((r) => r.grantable);
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState(user?.displayName ?? '');
  const [role, setRole] = useState<RoleId>(user?.role ?? grantable[0]?.id ?? 'commander');
  const [departmentId, setDepartmentId] = useState(user?.departmentId ?? '');
  const [gridScope, setGridScope] = useState((user?.gridScope ?? []).join(','));
  const [password, setPassword] = useState('');
  const [disabled, setDisabled] = useState(user?.disabled ?? false);
  const [error, setError] = useState<string | null>(null);
  const device = data.roles.find((r) => r.id === role)?.device ?? false;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const common = {
      displayName: displayName.trim(),
      role,
      departmentId: departmentId || null,
      gridScope: gridScope
        .split(/[,，\s]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    };
    try {
      if (user) {
        await adminApi.updateUser(user.id, { ...common, disabled });
        onDone(`已保存用户 ${user.username}`);
      } else {
        await adminApi.createUser({ ...common, username: username.trim(), kind: device ? 'device' : 'person', password });
        onDone(`已创建用户 ${username.trim()}，首次登录须修改密码`);
      }
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return (
    <div className="modal-backdrop">
      <form
        className="panel identity-dialog admin-form"
        role="dialog"
        aria-modal
        aria-labelledby="user-form-title"
        onSubmit={(e) => void submit(e)}
      >
        <header>
          <h2 id="user-form-title">{user ? `编辑用户 ${user.username}` : '新建用户'}</h2>
          <button type="button" className="close" onClick={() => onDone(null)} aria-label="关闭">
            ×
          </button>
        </header>
        {!user && (
          <label>
            登录名（小写字母、数字、. _ -）
            <input name="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
          </label>
        )}
        <label>
          姓名
          <input name="displayName" value={displayName} onChange={(e) => setDisplayName(e.target.value)} required />
        </label>
        <label>
          角色
          <select name="role" value={role} onChange={(e) => setRole(e.target.value as RoleId)}>
            {grantable.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
                {r.device ? '（设备账号）' : ''}
              </option>
            ))}
          </select>
        </label>
        <label>
          所属部门
          <select name="departmentId" value={departmentId} onChange={(e) => setDepartmentId(e.target.value)}>
            <option value="">（无）</option>
            {data.departments
              .filter((d) => d.active || d.id === departmentId)
              .map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
          </select>
        </label>
        <label>
          责任网格（监督员；区/街道/网格编码前缀，逗号分隔）
          <input name="gridScope" value={gridScope} onChange={(e) => setGridScope(e.target.value)} placeholder="如 230103001" />
        </label>
        {!user && (
          <label>
            初始密码（用户首次登录须修改）
            <input
              name="password"
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          </label>
        )}
        {user && (
          <label className="checkbox">
            <input type="checkbox" checked={disabled} onChange={(e) => setDisabled(e.target.checked)} /> 停用账号（立即下线）
          </label>
        )}
        {error && (
          <p className="login-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="secondary" onClick={() => onDone(null)}>
            取消
          </button>
          <button type="submit">{user ? '保存' : '创建'}</button>
        </div>
      </form>
    </div>
  );
}
