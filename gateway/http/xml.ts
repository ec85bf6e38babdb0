import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';

/**
 * A new XML document whose text always reads back as written: characters XML 1.0 cannot carry (control characters,
 * U+FFFE, lone surrogates) are left out rather than written into an unreadable document.
 */
export function xmlDocument(): XMLBuilder {
  return create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '' });
}

/**
 * Text for `.txt()`: xmlbuilder2 escapes "&" only where it does not already begin an entity, so "&amp;" in a stored
 * text would be written as is and read back as "&". Every "&" is escaped here first.
 */
export const xmlText = (text: string): string => text.replace(/&/g, '&amp;');
