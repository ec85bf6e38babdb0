import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import { xmlDocument, xmlText } from '../http/xml';
import { WARNING_HAZARDS, WARNING_LEVEL_LABELS, type PublicWarning, type WarningLevel } from '../../contracts/warnings';
import type { CapArea } from './area';
import type { WarningRow } from './store';

/**
 * CAP 1.2 (OASIS Common Alerting Protocol) documents of the warnings, one per message, and the Atom index feed of
 * the messages current now. Built with xmlbuilder2, which escapes every text it is given.
 */

const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';
export const CAP_MEDIA_TYPE = 'application/cap+xml';
const ATOM_NAMESPACE = 'http://www.w3.org/2005/Atom';

/** The CAP `sender`: the platform as originator of every warning, globally unique by its naming. */
const CAP_SENDER = 'warning.emergency-command.harbin';

/** CAP `severity` of each warning colour. */
const CAP_SEVERITY: Record<WarningLevel, 'Extreme' | 'Severe' | 'Moderate' | 'Minor'> = {
  red: 'Extreme',
  orange: 'Severe',
  yellow: 'Moderate',
  blue: 'Minor',
};

/** Harbin's offset from UTC (China Standard Time, no daylight saving). */
const OFFSET_MS = 8 * 3_600_000;

/**
 * A CAP dateTime: local time with its offset, no fractional seconds, never "Z" (CAP 1.2 §3.3.2:
 * "2002-05-24T16:49:00-07:00").
 */
function capDateTime(at: string | Date): string {
  const ms = typeof at === 'string' ? Date.parse(at) : at.getTime();
  return `${new Date(Math.floor(ms / 1000) * 1000 + OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

const HOUR_MS = 3_600_000;

/** CAP `urgency`: an air raid or a hazard already under way is Immediate; one within a day Expected; later Future. */
function capUrgency(w: Pick<PublicWarning, 'hazard' | 'onsetAt' | 'sentAt' | 'msgType'>): string {
  if (w.msgType === 'Cancel') return 'Past';
  if (w.hazard === 'air_raid') return 'Immediate';
  const lead = Date.parse(w.onsetAt) - Date.parse(w.sentAt);
  if (lead <= HOUR_MS) return 'Immediate';
  return lead <= 24 * HOUR_MS ? 'Expected' : 'Future';
}

/** CAP `responseType`: take shelter from an air raid, prepare for the others; all clear once lifted. */
const responseType = (w: PublicWarning): string =>
  w.msgType === 'Cancel' ? 'AllClear' : w.hazard === 'air_raid' ? 'Shelter' : 'Prepare';

/** The message a document references: its sender, identifier and sent time. */
interface CapReference {
  identifier: string;
  sentAt: string;
}

const leaf = (parent: XMLBuilder, name: string, text: string) => parent.ele(name).txt(xmlText(text)).up();

/** One warning message as a CAP 1.2 alert document (elements in the order the schema sequences them). */
export function capDocument(
  w: PublicWarning,
  areas: readonly CapArea[],
  reference: CapReference | null,
  note: string | null,
): string {
  const alert = xmlDocument().ele(CAP_NAMESPACE, 'alert');
  leaf(alert, 'identifier', w.identifier);
  leaf(alert, 'sender', CAP_SENDER);
  leaf(alert, 'sent', capDateTime(w.sentAt));
  leaf(alert, 'status', w.drill ? 'Exercise' : 'Actual');
  leaf(alert, 'msgType', w.msgType);
  leaf(alert, 'source', w.sender);
  leaf(alert, 'scope', 'Public');
  const notes = [w.drill ? '演练信息，不是真实预警。' : '', note ? `解除原因：${note}` : ''].filter(Boolean).join(' ');
  if (notes) leaf(alert, 'note', notes);
  if (reference) leaf(alert, 'references', `${CAP_SENDER},${reference.identifier},${capDateTime(reference.sentAt)}`);

  const info = alert.ele('info');
  const hazard = WARNING_HAZARDS[w.hazard];
  leaf(info, 'language', 'zh-CN');
  leaf(info, 'category', hazard.category);
  leaf(info, 'event', `${hazard.label}预警`);
  leaf(info, 'responseType', responseType(w));
  leaf(info, 'urgency', capUrgency(w));
  leaf(info, 'severity', CAP_SEVERITY[w.level]);
  leaf(info, 'certainty', w.certainty);
  info.ele('eventCode').ele('valueName').txt('HARBIN_HAZARD').up().ele('value').txt(xmlText(w.hazard));
  leaf(info, 'effective', capDateTime(w.effectiveAt));
  leaf(info, 'onset', capDateTime(w.onsetAt));
  leaf(info, 'expires', capDateTime(w.expiresAt));
  leaf(info, 'senderName', w.senderName);
  leaf(info, 'headline', w.headline);
  leaf(info, 'description', w.description);
  leaf(info, 'instruction', w.instruction);
  info.ele('parameter').ele('valueName').txt('预警级别').up().ele('value').txt(`${WARNING_LEVEL_LABELS[w.level]}预警`);
  for (const area of areas) {
    const a = info.ele('area');
    leaf(a, 'areaDesc', area.desc);
    for (const polygon of area.polygons) leaf(a, 'polygon', polygon);
    for (const g of area.geocodes)
      a.ele('geocode').ele('valueName').txt(xmlText(g.valueName)).up().ele('value').txt(xmlText(g.value));
  }
  return alert.end({ prettyPrint: true });
}

/** The CAP areas stored with a message. */
export const capAreasOf = (row: WarningRow): CapArea[] =>
  typeof row.cap_areas === 'string' ? (JSON.parse(row.cap_areas) as CapArea[]) : row.cap_areas;

/**
 * The index feed (Atom, RFC 4287) of the current messages, newest first: each entry links to its CAP document
 * (`type="application/cap+xml"`), as CAP feeds do.
 */
export function capFeed(messages: readonly PublicWarning[], baseUrl: string, senderName: string, now: Date): string {
  const feed = xmlDocument().ele(ATOM_NAMESPACE, 'feed');
  leaf(feed, 'id', `${baseUrl}/api/warnings/cap`);
  leaf(feed, 'title', '哈尔滨市生效中的突发事件预警（CAP 1.2）');
  const updated = messages.reduce((t, m) => Math.max(t, Date.parse(m.sentAt)), 0);
  leaf(feed, 'updated', new Date(updated || now.getTime()).toISOString());
  feed.ele('author').ele('name').txt(xmlText(senderName));
  feed.ele('link', { rel: 'self', type: 'application/atom+xml', href: `${baseUrl}/api/warnings/cap` });
  for (const m of messages) {
    const entry = feed.ele('entry');
    leaf(entry, 'id', `urn:uuid:${m.id}`);
    leaf(entry, 'title', m.headline);
    leaf(entry, 'updated', m.sentAt);
    leaf(entry, 'published', m.sentAt);
    leaf(entry, 'summary', `${m.areaDesc}：${m.description}`.slice(0, 500));
    entry.ele('category', { term: m.msgType });
    entry.ele('link', { rel: 'alternate', type: CAP_MEDIA_TYPE, href: `${baseUrl}/api/warnings/${m.id}.cap` });
  }
  return feed.end({ prettyPrint: true });
}
