import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { createPortal } from 'react-dom';
import {
  apiTokenListSchema,
  apiTokenSummarySchema,
  createApiTokenSchema,
  issuedApiTokenSchema,
  MAX_API_TOKEN_DAYS,
  type ApiTokenSummary,
  type IssuedApiToken,
} from '../../../contracts/identity';
import { call, messageOf } from '../api/http';
import { FieldError, fieldProblem } from '../ui/FieldError';
import { TokenTable } from './TokenTable';

/**
 * API 令牌: read-only credentials for GIS clients (QGIS, ogrinfo) on the OGC API and vector tiles, acting with the
 * signed-in person's layer rights. A new token is shown once, with how to use it; tokens can be revoked at any time.
 */
export function ApiTokensDialog({ onClose }: { onClose: () => void }) {
  const [tokens, setTokens] = useState<ApiTokenSummary[] | null>(null);
  const [label, setLabel] = useState('');
  const [days, setDays] = useState(90);
  const [issued, setIssued] = useState<IssuedApiToken | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** Set on the first 签发: from then on each field says what is wrong with it beside it, as the server would. */
  const [checked, setChecked] = useState(false);
  const labelProblem = checked ? fieldProblem(createApiTokenSchema.shape.label, label) : null;
  const daysProblem = fieldProblem(createApiTokenSchema.shape.days, days);

  const reload = useCallback(() => {
    call('GET', '/api/auth/tokens', apiTokenListSchema).then(setTokens, (err: unknown) => setError(messageOf(err)));
  }, []);
  useEffect(reload, [reload]);

  const issue = async (e: FormEvent) => {
    e.preventDefault();
    setChecked(true);
    // The request's own schema checks the fields first: nothing is sent while one is wrong.
    if (fieldProblem(createApiTokenSchema.shape.label, label) || daysProblem) return;
    try {
      setIssued(await call('POST', '/api/auth/tokens', issuedApiTokenSchema, { label, days }));
      setLabel('');
      setError(null);
      reload();
    } catch (err) {
      setError(messageOf(err));
    }
  };

  const revoke = async (id: string) => {
    try {
      await call('DELETE', `/api/auth/tokens/${id}`, apiTokenSummarySchema);
      reload();
    } catch (err) {
      setError(messageOf(err));
    }
  };

  const ogc = `${window.location.origin}/ogc`;
  // Rendered into <body>: the user menu sits in the page header, whose colours and layout a dialog must not inherit.
  return createPortal(
    <div className="modal-backdrop">
      <div className="panel identity-dialog token-dialog" role="dialog" aria-modal aria-labelledby="tokens-title">
        <header>
          <h2 id="tokens-title">API 令牌</h2>
          <button type="button" className="close" onClick={onClose} aria-label="关闭">
            ×
          </button>
        </header>
        <p className="muted">
          供 QGIS、GDAL 等 GIS 软件只读访问 OGC API（{ogc}）与矢量瓦片，权限与本账号相同。令牌只显示一次，请妥善保存。
        </p>
        {issued && (
          <div className="token-issued" role="status">
            <strong>新令牌「{issued.label}」：</strong>
            <code data-testid="issued-token">{issued.token}</code>
            <span className="muted">
              用法示例：ogrinfo OAPIF:{ogc} --config GDAL_HTTP_HEADERS &quot;Authorization: Bearer {issued.token}&quot;
            </span>
            <button type="button" onClick={() => void navigator.clipboard?.writeText(issued.token)}>
              复制令牌
            </button>
          </div>
        )}
        <form className="token-form" noValidate onSubmit={(e) => void issue(e)}>
          <label>
            用途
            <input
              value={label}
              maxLength={60}
              placeholder="如：QGIS 规划科"
              onChange={(e) => setLabel(e.target.value)}
              aria-invalid={labelProblem ? true : undefined}
              aria-describedby="token-label-error"
              required
            />
            <FieldError id="token-label-error" message={labelProblem} />
          </label>
          <label>
            有效天数
            <input
              type="number"
              min={1}
              max={MAX_API_TOKEN_DAYS}
              value={Number.isNaN(days) ? '' : days}
              onChange={(e) => setDays(e.target.value === '' ? Number.NaN : Number(e.target.value))}
              aria-invalid={daysProblem ? true : undefined}
              aria-describedby="token-days-error"
              required
            />
            <FieldError id="token-days-error" message={daysProblem} />
          </label>
          <button type="submit">签发令牌</button>
        </form>
        {error && (
          <p className="login-error" role="alert">
            {error}
          </p>
        )}
        {tokens && (
          <TokenTable tokens={tokens} onRevoke={(t) => void revoke(t.id)} className="token-table" emptyText="尚未签发令牌" />
        )}
      </div>
    </div>,
    document.body,
  );
}
