import { checkPassword, loadCommonPasswords } from '../../gateway/auth/password-policy';

const RULES = { minLength: 12, minClasses: 3, minStrength: 3 };
const common = loadCommonPasswords();
const check = (pw: string, user = 'zhang.wei') => checkPassword(pw, user, RULES, common);

/** Candidates of the classic bad kinds, each with the reason it must be refused for. */
const BAD: [string, string, string][] = [
  // too short
  ['123456', 'too_short', 'top breached'],
  ['password', 'too_short', 'top breached'],
  ['admin', 'too_short', 'default admin'],
  ['Abc!1234', 'too_short', 'short but mixed'],
  ['Harbin@2025', 'too_short', '11 characters'],
  ['woaini1314', 'too_short', 'pinyin + number'],
  ['5201314', 'too_short', 'number pattern 我爱你一生一世'],
  // too few character classes
  ['123456789012', 'too_few_classes', 'digits only'],
  ['abcdefghijkmnp', 'too_few_classes', 'lower case only'],
  ['ZHONGHUARENMIN', 'too_few_classes', 'upper case only'],
  ['correcthorsebatterystaple', 'too_few_classes', 'passphrase, one class'],
  ['haerbinbingxue2024', 'too_few_classes', 'pinyin + digits, two classes'],
  ['Songhuajiangpan', 'too_few_classes', 'two classes'],
  ['!@#$%^&*()_+{}', 'too_few_classes', 'symbols only'],
  // contains the login name
  ['Zhang.Wei@2024!', 'contains_username', 'login name inside'],
  ['zhangwei#Secure9', 'contains_username', 'login name without its dot'],
  ['iew.gnahz#Secure9', 'contains_username', 'login name reversed'],
  ['MyZHANG.WEIpass1!', 'contains_username', 'login name in capitals'],
  // on the common/breached list as is (12+ characters, three classes)
  ['Password123!', 'common', 'breached'],
  ['P@ssw0rd1234', 'common', 'breached l33t'],
  ['Qwer1234!@#$', 'common', 'keyboard + digits + symbols'],
  ['1qaz@WSX3edc', 'common', 'keyboard column walk'],
  ['!QAZ2wsx#EDC', 'common', 'keyboard column walk'],
  ['Aa123456789!', 'common', 'classic admin default'],
  ['Admin@123456', 'common', 'classic admin default'],
  ['Huawei@12345', 'common', 'vendor default'],
  ['Woaini@1314520', 'common', 'pinyin love pattern'],
  ['Welcome@2024', 'common', 'welcome + year'],
  ['Harbin@123456', 'common', 'city + digits'],
  ['Zhongguo@123', 'common', 'pinyin country'],
  // variants of common words: decoration and l33t stripped
  ['P@ssw0rd2026!', 'common_variant', 'l33t password + year'],
  ['Woaini1314!!', 'common_variant', 'woaini + 1314 decorated'],
  ['Iloveyou!2024', 'common_variant', 'iloveyou + year'],
  ['##Sunshine2024', 'common_variant', 'sunshine decorated'],
  ['Dragon!!77889', 'common_variant', 'dragon decorated'],
  ['Monkey#20240101', 'common_variant', 'monkey + date'],
  ['Zhangwei@1990', 'common_variant', 'pinyin name + year (other login name)'],
  ['Pa55w0rd!2024', 'common_variant', 'l33t password'],
  ['Qazwsxedc!23', 'common_variant', 'keyboard zigzag decorated'],
  // keyboard walks, sequences and repetition
  ['Qwertyuiop!9', 'repetitive', 'keyboard row'],
  ['Asdfgh#2024x', 'repetitive', 'keyboard row'],
  ['Abcdef!98765', 'repetitive', 'alphabet + descending digits'],
  ['Zz!123456789', 'repetitive', 'ascending digits'],
  ['Aaaa1111!!!!', 'repetitive', 'repeated characters'],
  ['Ab1!Ab1!Ab1!', 'repetitive', 'repeated unit'],
  ['Xx9#Xx9#Xx9#', 'repetitive', 'repeated unit'],
  // guessable by the strength estimator (zxcvbn) though no list above has them
  ['Basketball#23', 'guessable', 'dictionary word + number'],
  ['Mercedes#2018', 'guessable', 'brand + year'],
  ['Trustno1!2024', 'guessable', 'breached phrase + year'],
];

describe('password policy', () => {
  it('has at least 40 bad candidates of the classic kinds', () => {
    expect(BAD.length).toBeGreaterThanOrEqual(40);
  });

  it.each(BAD)('refuses %s (%s: %s) with a reason', (pw, code) => {
    const problems = check(pw);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.map((p) => p.code)).toContain(code);
    for (const p of problems) expect(p.message.length).toBeGreaterThan(5);
  });

  it('refuses 100 % of the bad candidates', () => {
    const rejected = BAD.filter(([pw]) => check(pw).length > 0);
    expect(rejected.length / BAD.length).toBe(1);
  });

  it.each([
    'Tq7#vLm-2Rx9&pWz',
    'Songhua-Bridge-42x',
    '松花江-Bridge-42',
    'correct Horse 7 staple',
    'Zhw#Command-7316',
    'Lds#Leader-8641',
  ])('accepts the strong password %s', (pw) => {
    expect(check(pw)).toEqual([]);
  });

  it('names what the estimator found, in Chinese', () => {
    const [p] = check('Mercedes#2018');
    expect(p).toEqual({
      code: 'guessable',
      message: expect.stringMatching(/^密码太容易被猜中（强度 [0-2]\/4，至少需要 3）：含有常见单词、姓名或密码/),
    });
  });

  it('counts characters, not bytes: 12 Chinese characters with a digit and a letter are long enough', () => {
    expect(check('哈尔滨冰雪大世界欢迎您9A').map((p) => p.code)).not.toContain('too_short');
  });

  it('says how long and how varied the password was', () => {
    const [short] = check('Ab1!');
    expect(short!.message).toContain('当前 4 个');
    const classes = check('abcdefghijkmnp').find((p) => p.code === 'too_few_classes');
    expect(classes!.message).toContain('当前 1 类');
  });

  it('ships a list of several hundred common passwords, Chinese patterns included', () => {
    expect(common.size).toBeGreaterThan(300);
    for (const w of ['123456', '5201314', 'woaini1314', 'zhangwei', 'haerbin', 'qwer1234!@#$']) expect(common.has(w)).toBe(true);
  });
});
