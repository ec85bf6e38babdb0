import { useEffect, useState, type FormEvent } from 'react';
import { createPortal } from 'react-dom';
import { call, messageOf } from '../api/http';
import { passwordPolicySchema, type PasswordPolicyView } from '../../../contracts/identity';
import { useSession } from './session';

/** 修改密码. `forced`: the account must change its initial or reset password before anything else. */
export function PasswordDialog({ forced, onClose }: { forced: boolean; onClose?: () => void }) {
  const { changePassword, logout } = useSession();
  const [policy, setPolicy] = useState<PasswordPolicyView | null>(null);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  useEffect(() => {
    call('GET', '/api/auth/password-policy', passwordPolicySchema).then(setPolicy, () => setPolicy(null));
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (next !== again) return setError('两次输入的新密码不一致');
    try {
      await changePassword(current, next);
      setDone(true);
      setError(null);
      if (!forced) onClose?.();
    } catch (err) {
      setError(messageOf(err));
    }
  };

  // Rendered into <body>: opened from the user menu in the page header, whose colours a dialog must not inherit.
  return createPortal(
    <div className="modal-backdrop">
      <form
        className="panel identity-dialog"
        role="dialog"
        aria-modal
        aria-labelledby="pw-title"
        onSubmit={(e) => void submit(e)}
      >
        <header>
          <h2 id="pw-title">{forced ? '请先修改初始密码' : '修改密码'}</h2>
          {!forced && (
            <button type="button" className="close" onClick={onClose} aria-label="关闭">
              ×
            </button>
          )}
        </header>
        {forced && <p className="muted">管理员设置或重置的密码只能使用一次，修改后才能使用其他功能。</p>}
        {policy && (
          <ul className="password-rules">
            {policy.rules.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        )}
        <label>
          当前密码
          <input
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            required
          />
        </label>
        <label>
          新密码
          <input type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} required />
        </label>
        <label>
          再次输入新密码
          <input type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} required />
        </label>
        {error && (
          <p className="login-error" role="alert">
            {error}
          </p>
        )}
        {done && <p className="muted">密码已修改，其他设备上的会话已退出。</p>}
        <div className="dialog-actions">
          {forced && (
            <button type="button" className="secondary" onClick={() => void logout()}>
              退出登录
            </button>
          )}
          <button type="submit">确认修改</button>
        </div>
      </form>
    </div>,
    document.body,
  );
}
