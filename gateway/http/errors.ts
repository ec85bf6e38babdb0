import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiErrorBody, ErrorCode } from '../../contracts';
import { fieldProblems, installInputMessages } from '../../contracts/messages';

// Every schema parsed on the server answers in Chinese where it has no message of its own (contracts/messages.ts).
installInputMessages();

/** HTTP status of every error code: the only place where that mapping lives. */
export const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  invalid_coordinates: 400,
  outside_area: 422,
  far_from_road: 422,
  unreachable: 422,
  invalid_bbox: 400,
  invalid_tile: 400,
  unknown_layer: 404,
  unknown_kind: 400,
  invalid_geometry: 422,
  not_found: 404,
  unauthenticated: 401,
  forbidden: 403,
  locked: 423,
  rate_limited: 429,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unavailable: 503,
  internal: 500,
};

/** The one error type handlers throw; its message is shown to the caller, so it must say what was wrong. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** Parses untrusted input with a schema, turning a failure into a 400 that lists every problem. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, code: ErrorCode = 'bad_request'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw inputError(result.error, code);
}

/** The error for input a schema refused: every problem, with its path. */
export function inputError(error: z.ZodError, code: ErrorCode = 'bad_request'): AppError {
  const problems = error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
  return new AppError(code, problems.join('; '), { issues: problems, fields: fieldProblems(error) });
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('not_found', `没有这个接口：${req.method} ${req.path}；请核对请求方法和路径`));
};

/** Maps every error to its status and a JSON body; unexpected errors are logged and answered without internals. */
export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  const requestId = String(req.id ?? '');
  let code: ErrorCode = 'internal';
  let message = '服务器内部错误：请稍后重试；如仍失败，请把请求编号（requestId）告知管理员，据此可在服务器日志中查到原因';
  let details: unknown;
  if (err instanceof AppError) {
    ({ code, message, details } = err);
  } else if (isBodyParserError(err)) {
    code = err.type === 'entity.too.large' ? 'payload_too_large' : 'bad_request';
    message =
      err.type === 'entity.too.large' ? '请求内容过大：请减小后重试' : `请求内容不是有效的 JSON：请检查后重试（${err.message}）`;
  } else if (err instanceof URIError || isClientHttpError(err)) {
    // e.g. a path parameter with broken percent-encoding, which the router rejects before any handler runs
    code = 'bad_request';
    message = err instanceof URIError ? `网址不是有效的百分号编码：请检查网址后重试（${err.message}）` : err.message;
  } else {
    req.log?.error({ err }, 'unhandled error');
  }
  const body: ApiErrorBody = { error: { code, message, requestId, ...(details !== undefined ? { details } : {}) } };
  if (!res.headersSent) res.status(STATUS[code]).json(body);
};

function isBodyParserError(err: unknown): err is { type: string; message: string } {
  return (
    typeof err === 'object' &&
    err !== null &&
    'type' in err &&
    typeof (err as { type: unknown }).type === 'string' &&
    'status' in err
  );
}

/** An http-errors style error (status 4xx, message safe to show) raised by Express or its parsers. */
function isClientHttpError(err: unknown): err is { status: number; message: string } {
  if (typeof err !== 'object' || err === null) return false;
  const { status, expose } = err as { status?: unknown; expose?: unknown };
  return typeof status === 'number' && status >= 400 && status < 500 && expose === true;
}
