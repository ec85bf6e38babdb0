import { useState, type FormEvent } from 'react';
import { PRODUCT_NAME } from '../../../contracts';
import { messageOf } from '../api/http';
import { goTo } from '../shell/navigation';
import { useSession } from './session';
import './identity.css';

/** 登录: the only page an anonymous visitor of the command platform sees. */
export function LoginPage({ notice, backToMap }: { notice: string | null; backToMap: boolean }) {
  const { login, dismiss } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
    } catch (err) {
      setError(messageOf(err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-page">
      <form className="login-card" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <h1 id="login-title">{PRODUCT_NAME}</h1>
        <p className="login-subtitle">统一身份认证 · 登录</p>
        {notice && !error && <p className="login-notice">{notice}</p>}
        <label>
          用户名
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
            autoFocus
          />
        </label>
        <label>
          密码
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error && (
          <p className="login-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || !username || !password}>
          {busy ? '正在登录…' : '登录'}
        </button>
        <p className="login-footnote">连续 5 次密码错误将锁定 15 分钟；会话空闲 30 分钟自动退出。</p>
        {backToMap && (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              dismiss();
              goTo('map');
            }}
          >
            返回地图（公开基础数据）
          </button>
        )}
      </form>
    </div>
  );
}
