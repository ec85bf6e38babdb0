import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MAX_PASSWORD_LENGTH, type PasswordProblem } from '../../contracts/identity';
import { guessability } from './strength';

export interface PasswordRules {
  minLength: number;
  minClasses: number;
  /** The lowest zxcvbn score (0–4) accepted; 0 turns the estimate off. */
  minStrength?: number;
  /** How many earlier passwords may not be used again (checked against stored hashes, password-history.ts). */
  history?: number;
}

const LIST_DIR = path.resolve(__dirname, '..', '..', 'data', 'passwords');

/** Every entry of every `data/passwords/*.txt` list, lower-cased; `#` starts a comment line. */
export function loadCommonPasswords(dir = LIST_DIR): ReadonlySet<string> {
  const set = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.txt'))) {
    for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      const entry = line.trim().toLowerCase();
      if (entry && !entry.startsWith('#')) set.add(entry);
    }
  }
  if (set.size === 0) throw new Error(`no common-password list found in ${dir}`);
  return set;
}

const LEET: Record<string, string> = {
  '@': 'a',
  '4': 'a',
  '0': 'o',
  '1': 'l',
  '!': 'i',
  '3': 'e',
  $: 's',
  '5': 's',
  '7': 't',
  '8': 'b',
  '9': 'g',
};
const undoLeet = (s: string) => s.replace(/[@40!13$5789]/g, (c) => LEET[c] ?? c);
/** Strips the digits and symbols people put around a weak word ("Password123!" → "password"). */
const core = (s: string) => s.replace(/^[^a-z]+/, '').replace(/[^a-z]+$/, '');

/** Keyboard rows, columns and the alphabet: a run of six from any of them (either way) is a walk, not a secret. */
const SEQUENCES = [
  '1234567890',
  'qwertyuiop',
  'asdfghjkl',
  'zxcvbnm',
  'abcdefghijklmnopqrstuvwxyz',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p',
];
const WALK = 6;

function hasWalk(lower: string): boolean {
  const alnum = lower.replace(/[^a-z0-9]/g, '');
  for (let i = 0; i + WALK <= alnum.length; i++) {
    const piece = alnum.slice(i, i + WALK);
    const reversed = [...piece].reverse().join('');
    if (SEQUENCES.some((s) => s.includes(piece) || s.includes(reversed))) return true;
  }
  return false;
}

function isRepetitive(pw: string): boolean {
  if (/(.)\1{3,}/u.test(pw)) return true; // aaaa, 1111
  const chars = [...pw];
  for (let unit = 1; unit <= 4; unit++) {
    if (chars.length % unit !== 0 || chars.length / unit < 3) continue;
    const head = chars.slice(0, unit).join('');
    if (head.repeat(chars.length / unit) === pw) return true; // abc!abc!abc!
  }
  return false;
}

export function characterClasses(pw: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/u].filter((re) => re.test(pw)).length;
}

/**
 * Every reason a candidate password is refused (empty when it is acceptable): length, character classes,
 * the login name inside it, the common/breached list (also after stripping decoration and l33t), keyboard
 * walks and repetition. Messages are for the person choosing the password.
 */
export function checkPassword(
  password: string,
  username: string,
  rules: PasswordRules,
  common: ReadonlySet<string>,
): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = [...password].length;
  if (length < rules.minLength) {
    problems.push({ code: 'too_short', message: `密码至少需要 ${rules.minLength} 个字符（当前 ${length} 个）` });
  }
  if (length > MAX_PASSWORD_LENGTH) {
    problems.push({ code: 'too_long', message: `密码不能超过 ${MAX_PASSWORD_LENGTH} 个字符` });
  }
  const classes = characterClasses(password);
  if (classes < rules.minClasses) {
    problems.push({
      code: 'too_few_classes',
      message: `密码须包含大写字母、小写字母、数字、符号四类中的至少 ${rules.minClasses} 类（当前 ${classes} 类）`,
    });
  }
  const lower = password.toLowerCase();
  const name = username.trim().toLowerCase();
  const bare = (s: string) => s.replace(/[^a-z0-9]/g, '');
  if (
    name &&
    (lower.includes(name) ||
      lower.includes([...name].reverse().join('')) ||
      (bare(name).length >= 3 && bare(lower).includes(bare(name))))
  ) {
    problems.push({ code: 'contains_username', message: '密码不能等于或包含登录名' });
  }
  if (common.has(lower)) {
    problems.push({ code: 'common', message: '该密码在常见/已泄露密码表中，极易被猜中' });
  } else {
    const variants = [undoLeet(lower), core(lower), core(undoLeet(lower)), undoLeet(core(lower))].filter((v) => v.length >= 4);
    if (variants.some((v) => common.has(v))) {
      problems.push({
        code: 'common_variant',
        message: '该密码只是常见密码加上数字、符号或字母替换（如 P@ssw0rd123!），极易被猜中',
      });
    }
  }
  if (hasWalk(lower) || isRepetitive(password)) {
    problems.push({ code: 'repetitive', message: '密码不能包含键盘序列、连续或重复字符（如 123456、qwerty、aaaa）' });
  }
  // The estimator sees what the lists above cannot: dictionary words, names, dates and keyboard patterns in any mix.
  // Only asked when nothing else is wrong, so each refusal names its plainest reason.
  if (!problems.length && (rules.minStrength ?? 0) > 0 && length <= MAX_PASSWORD_LENGTH) {
    const estimate = guessability(password, [username]);
    if (estimate.score < rules.minStrength!) {
      problems.push({
        code: 'guessable',
        message: `密码太容易被猜中（强度 ${estimate.score}/4，至少需要 ${rules.minStrength}）${
          estimate.reasons.length ? `：${estimate.reasons.join('、')}` : ''
        }，请加长或换用不相关的词`,
      });
    }
  }
  return problems;
}
