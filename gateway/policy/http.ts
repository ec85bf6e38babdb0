import type { Request, RequestHandler, Response } from 'express';
import { readCookie, clearSessionCookie } from '../auth/cookie';
import type { Identity } from '../auth/identity';
import { looksLikeApiToken, resolveApiToken } from '../auth/api-tokens';
import { actorOf, type Principal } from '../auth/principal';
import { changeOf, commandInput } from '../audit/change-detail';
import { AppError } from '../http/errors';
import { ENDED_MESSAGES } from '../auth/messages';
import { origin } from '../auth/request';

/** What the access middleware learnt about a request; handlers read `req.auth.principal`. */
export interface RequestAuth {
  principal: Principal | null;
  actionId: string;
  route: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    auth?: RequestAuth;
  }
}

/** Where an API token is accepted: reading the OGC API and vector tiles, nothing else. */
const TOKEN_PATHS = ['/ogc', '/tiles'];
const tokenPath = (path: string) => TOKEN_PATHS.some((p) => path === p || path.startsWith(`${p}/`));

/**
 * The API token of an `Authorization` header: `Bearer <token>`, or HTTP Basic with the token as the password (QGIS
 * and other desktop GIS clients can only send Basic; the user name is not checked, the token alone identifies its
 * owner). A header of another form is an error.
 */
function tokenOfHeader(header: string): string {
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return bearer[1]!;
  const basic = /^Basic\s+([A-Za-z0-9+/]+={0,2})$/i.exec(header);
  if (!basic) throw new AppError('unauthenticated', 'Authorization 头应为 "Bearer <API 令牌>"，或以 API 令牌为密码的 HTTP Basic');
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  if (!looksLikeApiToken(password))
    throw new AppError(
      'unauthenticated',
      'HTTP Basic 的密码应为 API 令牌（hgt_ 开头，在“API 令牌”中签发），不接受登录密码；也可发送 "Authorization: Bearer <API 令牌>"',
    );
  return password;
}

/**
 * The principal behind an API token (`Authorization: Bearer …`, or Basic with the token as password), for reads of
 * the OGC API and tiles only. A token that is sent but not valid is an error (401), not an anonymous request: the
 * client should learn that its token has lapsed.
 */
async function bearerPrincipal(identity: Identity, req: Request): Promise<Principal | null> {
  const header = req.headers.authorization;
  if (!header) return null;
  const token = tokenOfHeader(header);
  if (!(req.method === 'GET' || req.method === 'HEAD') || !tokenPath(req.path)) {
    throw new AppError('unauthenticated', 'API 令牌只能用于读取 /ogc 与 /tiles；其他操作请登录');
  }
  const principal = await resolveApiToken(identity.db(), token, identity.now());
  if (!principal) throw new AppError('unauthenticated', 'API 令牌无效、已过期或已撤销');
  return principal;
}

/**
 * The signed-in principal of a request from its session cookie (an ended session's cookie is cleared), or, without
 * a cookie, from an API token.
 */
export async function resolveRequestPrincipal(
  identity: Identity,
  req: Request,
  res: Response,
): Promise<{ principal: Principal | null; ended: keyof typeof ENDED_MESSAGES | null }> {
  const token = readCookie(req.headers.cookie, identity.cookie.name);
  if (!token) return { principal: await bearerPrincipal(identity, req), ended: null };
  const check = await identity.sessions.resolveToken(token);
  if (check.ok) return { principal: check.principal, ended: null };
  clearSessionCookie(res, identity);
  return { principal: null, ended: check.reason };
}

/**
 * The HTTP side of the policy: every request under a policed prefix (/api, /tiles, /basemap) must match a
 * route of `data/policy.json`; its action decides. Public actions pass without a session. Others need a
 * live session whose role the action grants; a refusal is 401/403 with the reason and an audit row.
 * Actions marked `audit: "command"` get their audit row before the handler runs: if it cannot be written,
 * the command does not run (fail closed); the outcome is appended when the response ends.
 */
export function httpAccessControl(identity: Identity): RequestHandler {
  const prefixes = identity.policy.policedPrefixes;
  return async (req, res, next) => {
    if (!prefixes.some((p) => req.path === p || req.path.startsWith(`${p}/`))) return next();
    const match = identity.policy.httpAction(req.method, req.path);
    if (!match)
      throw new AppError(
        'not_found',
        `没有这个接口：${req.method} ${req.path}；请核对请求方法和路径（全部接口列在 data/policy.json 中）`,
      );
    const action = identity.policy.action(match.actionId);
    if (action?.public) {
      req.auth = { principal: null, actionId: match.actionId, route: match.route };
      return next();
    }
    const { principal, ended } = await resolveRequestPrincipal(identity, req, res);
    // Actions whose grants change with the system mode are decided in the current mode.
    const mode = principal && identity.policy.modeDependent(match.actionId) ? await identity.mode.get() : undefined;
    const decision = identity.policy.authorize(principal, match.actionId, mode);
    const where = { ...origin(req), object: `${req.method} ${req.path}` };
    if (!decision.allowed || !principal) {
      const code = decision.allowed ? 'unauthenticated' : decision.code;
      const refusal = decision.allowed ? '请先登录' : decision.reason;
      const reason = !principal && ended ? ENDED_MESSAGES[ended] : refusal;
      await identity.audit
        .append({
          ...where,
          action: 'access.denied',
          outcome: 'denied',
          actor: actorOf(principal),
          detail: { action: match.actionId, reason },
        })
        .catch((err: unknown) => req.log?.error({ err }, 'could not audit an access denial'));
      throw new AppError(code, reason, { action: match.actionId });
    }
    const p = principal;
    req.auth = { principal: p, actionId: match.actionId, route: match.route };
    if (!decision.action.passive) {
      const idle = await identity.sessions.touch(p);
      if (idle) res.setHeader('X-Session-Idle-Expires', idle.toISOString());
    }
    if (decision.action.audit === 'command') {
      // Throws AuditWriteError (503) when the row cannot be written: the command then never runs.
      await identity.audit.append({
        ...where,
        action: match.actionId,
        outcome: 'ok',
        actor: actorOf(p),
        detail: { stage: 'authorised', route: match.route, input: commandInput(req) },
      });
      res.once('close', () => {
        const outcome = !res.writableFinished ? 'error' : res.statusCode < 400 ? 'ok' : 'failed';
        identity.audit
          .append({
            ...where,
            action: match.actionId,
            outcome,
            actor: actorOf(p),
            detail: { stage: 'completed', status: res.statusCode, changes: changeOf(req) },
          })
          .catch((err: unknown) => req.log?.error({ err }, 'could not audit the outcome of a command'));
      });
    }
    next();
  };
}
