import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_FEED_KEYS_FILE, loadConfig } from '../../gateway/config';

/** Safe defaults: loopback unless told otherwise; production (IDENTITY_SEED=none) refuses the published demo feed keys. */
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'harbin-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const own = (name: string, secret: string) => {
  const file = path.join(dir, name);
  const credential = (u: string) => ({ username: u, password: `${secret}-${u}-0123456789` });
  writeFileSync(
    file,
    JSON.stringify({
      sources: { '110': { secret: `${secret}-110-0123456789abcdef0123456789` } },
      mqtt: { gateway: credential('gateway'), flood: credential('flood'), avl: credential('avl') },
    }),
  );
  return file;
};

describe('configuration defaults', () => {
  it('listens on 127.0.0.1 unless HOST says otherwise', () => {
    expect(loadConfig({}).HOST).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
  });

  it('refuses to start in production with the demo feed keys file, naming it and what to do', () => {
    expect(() => loadConfig({ IDENTITY_SEED: 'none' })).toThrow(
      /refusing to start: IDENTITY_SEED=none \(production\) but FEED_KEYS_FILE .* holds the published demo feed keys of data\/demo\/feed-keys\.json.*Generate secrets of your own/,
    );
    expect(() => loadConfig({ IDENTITY_SEED: 'none', FEED_KEYS_FILE: DEMO_FEED_KEYS_FILE })).toThrow(/demo feed keys/);
  });

  it('refuses a copy of the demo keys under another name, and own keys that reuse one demo secret', () => {
    const copy = path.join(dir, 'copied.json');
    copyFileSync(DEMO_FEED_KEYS_FILE, copy);
    expect(() => loadConfig({ IDENTITY_SEED: 'none', FEED_KEYS_FILE: copy })).toThrow(/demo feed keys.*\(\d+ of its secrets\)/);
    const mixed = own('mixed.json', 'own');
    const demo = JSON.parse(readFileSync(DEMO_FEED_KEYS_FILE, 'utf8')) as {
      sources: Record<string, { secret: string }>;
    };
    const parsed = JSON.parse(readFileSync(mixed, 'utf8')) as { sources: Record<string, { secret: string }> };
    parsed.sources['119'] = { secret: demo.sources['119']!.secret };
    writeFileSync(mixed, JSON.stringify(parsed));
    expect(() => loadConfig({ IDENTITY_SEED: 'none', FEED_KEYS_FILE: mixed })).toThrow(/\(1 of its secrets\)/);
  });

  it('starts in production with keys of its own, and in the demo with the demo keys', () => {
    const file = own('own.json', 'production');
    expect(loadConfig({ IDENTITY_SEED: 'none', FEED_KEYS_FILE: file }).FEED_KEYS_FILE).toBe(file);
    expect(loadConfig({ IDENTITY_SEED: 'demo' }).FEED_KEYS_FILE).toBe(DEMO_FEED_KEYS_FILE);
  });
});
