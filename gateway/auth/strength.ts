import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

/** Words of this platform that make a password easy to guess here, whatever the account. */
const LOCAL_WORDS = [
  'harbin',
  'haerbin',
  'heilongjiang',
  'songhua',
  'songhuajiang',
  'bingcheng',
  'zhihui',
  'yingji',
  'chengguan',
];

/** What each kind of weak pattern the estimator finds is called, for the person choosing the password. */
const PATTERN_NAMES: Record<string, string> = {
  dictionary: '含有常见单词、姓名或密码',
  spatial: '含有键盘上相邻的按键序列',
  repeat: '含有重复的字符或片段',
  sequence: '含有连续的字母或数字',
  regex: '含有年份',
  date: '含有日期',
};

let estimator: ZxcvbnFactory | null = null;

/**
 * zxcvbn's estimate of how guessable a password is (score 0–4: 10^3, 10^6, 10^8, 10^10 guesses and beyond), with
 * the weak patterns it found named in Chinese. The dictionaries load once, on first use.
 */
export function guessability(password: string, userInputs: string[]): { score: number; reasons: string[] } {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary, local: LOCAL_WORDS },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  });
  const inputs = userInputs.flatMap((u) => [u, ...u.split(/[._-]/)]).filter((u) => u.length >= 3);
  const result = estimator.check(password, inputs);
  const reasons = [...new Set(result.sequence.map((m) => PATTERN_NAMES[m.pattern]).filter((r): r is string => Boolean(r)))];
  return { score: result.score, reasons };
}
