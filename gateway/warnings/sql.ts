import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Reads one of the SQL files beside this module (once, at load). */
export const warningSql = (name: string): string => readFileSync(path.join(__dirname, name), 'utf8');
