import { XMLParser } from 'fast-xml-parser';

/**
 * The rules of OASIS CAP 1.2 (Common Alerting Protocol Version 1.2, OASIS Standard, 1 July 2010), written out from
 * the specification's data dictionary (§3.2) and its XML schema's element sequences, independently of the code that
 * writes the documents. `checkCapAlert` returns every violation it finds, so that a test can expect none.
 */

export const CAP_NS = 'urn:oasis:names:tc:emergency:cap:1.2';

type Card = '1' | '?' | '*' | '+';
/** An element's children in schema order, each with how often it may occur. */
type Sequence = readonly (readonly [name: string, card: Card])[];

const ALERT: Sequence = [
  ['identifier', '1'],
  ['sender', '1'],
  ['sent', '1'],
  ['status', '1'],
  ['msgType', '1'],
  ['source', '?'],
  ['scope', '1'],
  ['restriction', '?'],
  ['addresses', '?'],
  ['code', '*'],
  ['note', '?'],
  ['references', '?'],
  ['incidents', '?'],
  ['info', '*'],
];
const INFO: Sequence = [
  ['language', '?'],
  ['category', '+'],
  ['event', '1'],
  ['responseType', '*'],
  ['urgency', '1'],
  ['severity', '1'],
  ['certainty', '1'],
  ['audience', '?'],
  ['eventCode', '*'],
  ['effective', '?'],
  ['onset', '?'],
  ['expires', '?'],
  ['senderName', '?'],
  ['headline', '?'],
  ['description', '?'],
  ['instruction', '?'],
  ['web', '?'],
  ['contact', '?'],
  ['parameter', '*'],
  ['resource', '*'],
  ['area', '*'],
];
const AREA: Sequence = [
  ['areaDesc', '1'],
  ['polygon', '*'],
  ['circle', '*'],
  ['geocode', '*'],
  ['altitude', '?'],
  ['ceiling', '?'],
];
const NAMED_VALUE: Sequence = [
  ['valueName', '1'],
  ['value', '1'],
];
const RESOURCE: Sequence = [
  ['resourceDesc', '1'],
  ['mimeType', '1'],
  ['size', '?'],
  ['uri', '?'],
  ['derefUri', '?'],
  ['digest', '?'],
];

const CAP_ENUMS = {
  status: ['Actual', 'Exercise', 'System', 'Test', 'Draft'],
  msgType: ['Alert', 'Update', 'Cancel', 'Ack', 'Error'],
  scope: ['Public', 'Restricted', 'Private'],
  category: ['Geo', 'Met', 'Safety', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other'],
  responseType: ['Shelter', 'Evacuate', 'Prepare', 'Execute', 'Avoid', 'Monitor', 'Assess', 'AllClear', 'None'],
  urgency: ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'],
  severity: ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'],
  certainty: ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'],
} as const;

/**
 * CAP dateTime (§3.3.2): "2002-05-24T16:49:00-07:00" — the offset is required, alphabetic designators such as "Z"
 * must not be used (UTC is "-00:00"), and the schema's pattern has no fractional seconds.
 */
export const CAP_DATETIME =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d[-+]([01]\d|2[0-3]):[0-5]\d$/;
const DATE_ELEMENTS = new Set(['sent', 'effective', 'onset', 'expires']);

/** A parsed element in document order: its name, its children, its text. */
export interface CapNode {
  name: string;
  attrs: Record<string, string>;
  children: CapNode[];
  text: string;
}

type Ordered = Record<string, unknown>[];

function toNodes(list: Ordered): CapNode[] {
  const out: CapNode[] = [];
  for (const item of list) {
    const name = Object.keys(item).find((k) => k !== ':@');
    if (!name || name === '#text' || name === '?xml') continue;
    const inner = (item[name] as Ordered) ?? [];
    const attrs = (item[':@'] as Record<string, string> | undefined) ?? {};
    const text = inner
      .filter((c) => '#text' in c)
      .map((c) => String(c['#text']))
      .join('');
    out.push({ name, attrs, children: toNodes(inner), text });
  }
  return out;
}

/** Parses a document keeping element order (fast-xml-parser's ordered mode); the root element. */
export function parseOrdered(xml: string): CapNode {
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    trimValues: true,
  });
  const roots = toNodes(parser.parse(xml) as Ordered);
  if (roots.length !== 1) throw new Error(`expected one root element, found ${roots.length}`);
  return roots[0]!;
}

export const child = (n: CapNode, name: string) => n.children.find((c) => c.name === name);
export const children = (n: CapNode, name: string) => n.children.filter((c) => c.name === name);

/** Children against a schema sequence: unknown elements, order, cardinality. */
function checkSequence(node: CapNode, seq: Sequence, where: string, problems: string[]): void {
  const index = new Map(seq.map(([name], i) => [name, i]));
  let last = -1;
  for (const c of node.children) {
    const i = index.get(c.name);
    if (i === undefined) {
      problems.push(`${where}: unexpected element <${c.name}>`);
      continue;
    }
    if (i < last) problems.push(`${where}: <${c.name}> is out of order (after <${seq[last]![0]}>)`);
    last = Math.max(last, i);
  }
  for (const [name, card] of seq) {
    const n = children(node, name).length;
    if ((card === '1' || card === '+') && n === 0) problems.push(`${where}: required <${name}> is missing`);
    if ((card === '1' || card === '?') && n > 1) problems.push(`${where}: <${name}> occurs ${n} times, at most once allowed`);
  }
}

function checkEnum(node: CapNode | undefined, values: readonly string[], where: string, problems: string[]): void {
  if (node && !values.includes(node.text)) problems.push(`${where}: "${node.text}" is not one of ${values.join(', ')}`);
}

/** §3.2.1: identifier and sender contain no spaces, commas or restricted characters (< and &). */
const NO_RESTRICTED = /^[^\s,<&]+$/;

/** A CAP polygon (§3.2.4): whitespace-delimited "lat,lon" WGS-84 pairs, ≥ 4, the first and last the same. */
function polygonProblems(text: string, where: string): string[] {
  const problems: string[] = [];
  const pairs = text.trim().split(/\s+/);
  if (pairs.length < 4) problems.push(`${where}: ${pairs.length} coordinate pairs, at least 4 required`);
  for (const p of pairs) {
    const m = /^(-?\d+(\.\d+)?),(-?\d+(\.\d+)?)$/.exec(p);
    if (!m) {
      problems.push(`${where}: "${p}" is not a "lat,lon" pair`);
      continue;
    }
    const [lat, lon] = [Number(m[1]), Number(m[3])];
    if (lat < -90 || lat > 90) problems.push(`${where}: latitude ${lat} out of range (pairs are lat,lon)`);
    if (lon < -180 || lon > 180) problems.push(`${where}: longitude ${lon} out of range`);
  }
  if (pairs[0] !== pairs[pairs.length - 1]) problems.push(`${where}: the first and last pairs differ (ring not closed)`);
  return problems;
}

/** Every violation of CAP 1.2 in one alert document. */
export function checkCapAlert(xml: string): string[] {
  const problems: string[] = [];
  const alert = parseOrdered(xml);
  if (alert.name !== 'alert') return [`root element is <${alert.name}>, expected <alert>`];
  if (alert.attrs.xmlns !== CAP_NS) problems.push(`alert: namespace "${alert.attrs.xmlns}", expected ${CAP_NS}`);
  checkSequence(alert, ALERT, 'alert', problems);
  for (const name of ['identifier', 'sender'] as const) {
    const n = child(alert, name);
    if (n && !NO_RESTRICTED.test(n.text)) problems.push(`alert.${name}: "${n.text}" has spaces, commas, < or &`);
  }
  checkEnum(child(alert, 'status'), CAP_ENUMS.status, 'alert.status', problems);
  checkEnum(child(alert, 'msgType'), CAP_ENUMS.msgType, 'alert.msgType', problems);
  checkEnum(child(alert, 'scope'), CAP_ENUMS.scope, 'alert.scope', problems);
  const scope = child(alert, 'scope')?.text;
  if (scope === 'Restricted' && !child(alert, 'restriction')) problems.push('alert: scope Restricted needs <restriction>');
  if (scope === 'Private' && !child(alert, 'addresses')) problems.push('alert: scope Private needs <addresses>');
  const msgType = child(alert, 'msgType')?.text;
  const refs = child(alert, 'references');
  if ((msgType === 'Update' || msgType === 'Cancel') && !refs) problems.push(`alert: msgType ${msgType} needs <references>`);
  if (refs) {
    for (const triple of refs.text.trim().split(/\s+/)) {
      const parts = triple.split(',');
      if (parts.length !== 3) problems.push(`alert.references: "${triple}" is not sender,identifier,sent`);
      else if (!CAP_DATETIME.test(parts[2]!)) problems.push(`alert.references: sent "${parts[2]}" is not a CAP dateTime`);
    }
  }
  const dates = (node: CapNode, where: string) => {
    for (const c of node.children) {
      if (DATE_ELEMENTS.has(c.name) && !CAP_DATETIME.test(c.text)) {
        problems.push(`${where}.${c.name}: "${c.text}" is not a CAP dateTime (offset required, no Z, no fractions)`);
      }
    }
  };
  dates(alert, 'alert');
  children(alert, 'info').forEach((info, i) => {
    const where = `alert.info[${i}]`;
    checkSequence(info, INFO, where, problems);
    dates(info, where);
    children(info, 'category').forEach((c) => checkEnum(c, CAP_ENUMS.category, `${where}.category`, problems));
    children(info, 'responseType').forEach((c) => checkEnum(c, CAP_ENUMS.responseType, `${where}.responseType`, problems));
    checkEnum(child(info, 'urgency'), CAP_ENUMS.urgency, `${where}.urgency`, problems);
    checkEnum(child(info, 'severity'), CAP_ENUMS.severity, `${where}.severity`, problems);
    checkEnum(child(info, 'certainty'), CAP_ENUMS.certainty, `${where}.certainty`, problems);
    const language = child(info, 'language');
    if (language && !/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(language.text)) {
      problems.push(`${where}.language: "${language.text}" is not an RFC 3066 tag`);
    }
    for (const name of ['eventCode', 'parameter']) {
      children(info, name).forEach((n) => checkSequence(n, NAMED_VALUE, `${where}.${name}`, problems));
    }
    children(info, 'resource').forEach((n) => checkSequence(n, RESOURCE, `${where}.resource`, problems));
    children(info, 'area').forEach((area, j) => {
      const at = `${where}.area[${j}]`;
      checkSequence(area, AREA, at, problems);
      children(area, 'polygon').forEach((p, k) => problems.push(...polygonProblems(p.text, `${at}.polygon[${k}]`)));
      children(area, 'geocode').forEach((g) => checkSequence(g, NAMED_VALUE, `${at}.geocode`, problems));
      if (child(area, 'ceiling') && !child(area, 'altitude')) problems.push(`${at}: <ceiling> without <altitude>`);
    });
  });
  return problems;
}
