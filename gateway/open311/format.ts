import type { ErrorRequestHandler, Request, Response } from 'express';
import { xmlDocument, xmlText } from '../http/xml';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import type { Open311Format } from '../../contracts/cases';
import { AppError, STATUS } from '../http/errors';

/**
 * GeoReport v2's two formats: the path's extension (`.json`, `.xml`) chooses, and every answer, errors included,
 * comes in the chosen one. XML is built with xmlbuilder2, which escapes every text; the characters XML 1.0 cannot
 * hold are left out, so a stored text never makes a document a client cannot parse.
 */

export const XML_MEDIA_TYPE = 'text/xml; charset=utf-8';

/** The format a path asks for: `.xml` → XML; anything else (`.json`, or a path no route serves) → JSON. */
export function formatOf(req: Request): Open311Format {
  const path = (req.originalUrl || req.url).split('?')[0] ?? '';
  return path.endsWith('.xml') ? 'xml' : 'json';
}

/** The roots of GeoReport v2 documents, and the element each of their lists holds. */
export type GeoReportRoot = 'services' | 'service_definition' | 'service_requests' | 'errors' | 'discovery';
const ITEMS: Readonly<Record<string, string>> = {
  services: 'service',
  service_requests: 'request',
  errors: 'error',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
};

/** One value as an element: objects become children in field order, lists repeat their item element, null is empty. */
function append(parent: XMLBuilder, name: string, value: unknown): void {
  if (Array.isArray(value)) {
    const list = parent.ele(name);
    const item = ITEMS[name];
    if (!item) throw new Error(`no GeoReport item element for the list "${name}"`);
    for (const v of value) append(list, item, v);
  } else if (value !== null && typeof value === 'object') {
    const el = parent.ele(name);
    for (const [k, v] of Object.entries(value)) if (v !== undefined) append(el, k, v);
  } else {
    const text = value === null || value === undefined ? '' : String(value);
    parent.ele(name).txt(xmlText(text));
  }
}

/** The document GeoReport v2 specifies for a value: `<services><service>…`, `<service_requests><request>…`, … */
export function geoReportXml(root: GeoReportRoot, value: unknown): string {
  const doc = xmlDocument();
  append(doc, root, value);
  return doc.end({ prettyPrint: false });
}

/** Answers `value` in the request's format with `status`. */
export function sendGeoReport(req: Request, res: Response, root: GeoReportRoot, value: unknown, status = 200): void {
  if (formatOf(req) === 'xml') {
    res.status(status).type(XML_MEDIA_TYPE).send(geoReportXml(root, value));
    return;
  }
  res.status(status).json(value);
}

/** An http-errors style error (a parser's, the router's): its status when it is a client error. */
function clientStatus(err: unknown): number | null {
  if (typeof err !== 'object' || err === null || !('status' in err)) return null;
  const status = Number((err as { status: unknown }).status);
  return status >= 400 && status < 500 ? status : null;
}

/**
 * Any error on an Open311 path as GeoReport v2 answers one: the status, and `[{ code, description }]` (or
 * `<errors><error><code/><description/></error></errors>`) in the requested format. AppErrors and parser errors
 * say what was wrong; anything else is logged and answered as 500 without internals.
 */
export function sendGeoReportError(req: Request, res: Response, err: unknown): void {
  let status: number;
  let description: string;
  if (err instanceof AppError) {
    status = STATUS[err.code];
    description = err.message;
  } else if (clientStatus(err) !== null) {
    status = clientStatus(err)!;
    const type = (err as { type?: unknown }).type;
    description =
      type === 'entity.too.large'
        ? '请求内容过大：请减小后重试'
        : type === 'entity.parse.failed'
          ? '请求内容无法读取：请检查格式后重试'
          : err instanceof Error && (err as { expose?: unknown }).expose === true
            ? err.message
            : '请求无法读取：请检查格式后重试';
  } else if (err instanceof URIError) {
    status = 400;
    description = '网址不是有效的百分号编码：请检查网址后重试';
  } else {
    req.log?.error({ err }, 'open311 request failed');
    status = 500;
    description = '服务器内部错误：请稍后重试；如仍失败，请把请求编号告知市里，据此可在服务器日志中查到原因';
  }
  if (res.headersSent) return;
  sendGeoReport(req, res, 'errors', [{ code: status, description }], status);
}

/** Express: every error under /open311, wherever it was raised (edge checks, limits, policy, handlers). */
export const geoReportErrors: ErrorRequestHandler = (err: unknown, req, res, _next) => sendGeoReportError(req, res, err);
