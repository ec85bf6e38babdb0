import { execFileSync } from 'node:child_process';
import { xmlDocument, xmlText } from '../../gateway/http/xml';

/** Text written into the XML the platform serves (CAP, Atom, GeoReport) reads back as written, by libxml2's reader. */
const readBack = (xml: string) =>
  execFileSync('xmllint', ['--xpath', 'string(/t)', '-'], { input: xml }).toString().replace(/\n$/, '');

it.each([
  ['an entity-looking text', '积水 &amp; 路面塌陷', '积水 &amp; 路面塌陷'],
  ['markup characters', '<水位> "超警" & \'停运\'', '<水位> "超警" & \'停运\''],
  ['control characters, left out', 'a\u0001b\u001fc\uFFFEd', 'abcd'],
  ['a lone surrogate, left out', 'x\uD800y', 'xy'],
])('%s', (_name, text, expected) => {
  const xml = xmlDocument().ele('t').txt(xmlText(text)).end();
  expect(readBack(xml)).toBe(expected);
});
