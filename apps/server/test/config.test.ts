/**
 * The configuration: one zod schema reads every variable, and the README's table lists
 * exactly those (issue 14), with the defaults the schema applies.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, envSchema, loadConfig } from '../src/config.ts';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

/** The variables named in the first column of the README's Configuration table. */
function documentedVariables(): string[] {
  const section = readme.slice(
    readme.indexOf('## Configuration'),
    readme.indexOf('\n## ', readme.indexOf('## Configuration') + 5),
  );
  const rows = section.split('\n').filter((line) => line.startsWith('| `'));
  return rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]!)).sort();
}

describe('configuration', () => {
  it('the README table lists exactly the variables of the schema', () => {
    expect(documentedVariables()).toEqual(Object.keys(envSchema.shape).sort());
  });

  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      publicUrl: 'http://localhost:3000',
      https: false,
      trustedOrigins: [],
      trustedProxies: [],
      demo: false,
      poolSize: 10,
      connectTimeoutMs: 3000,
      preparedStatements: true,
      authPerMinute: 60,
      signInPerMinute: 10,
      writesPerMinute: 120,
      readsPerMinute: 600,
      sessionCacheMs: 5000,
      logLevel: 'info',
      firstAdmin: null,
      mail: null,
    });
  });

  it('mail: SMTP_URL and MAIL_FROM together, an smtp:// or smtps:// URL', () => {
    const from = 'Worklets <no-reply@example.org>';
    expect(loadConfig({ SMTP_URL: 'smtp://u:p@mail.example.org:587', MAIL_FROM: from }).mail).toEqual({
      smtpUrl: 'smtp://u:p@mail.example.org:587',
      from,
    });
    expect(() => loadConfig({ SMTP_URL: 'smtp://mail.example.org' })).toThrow(/SMTP_URL and MAIL_FROM/);
    expect(() => loadConfig({ MAIL_FROM: from })).toThrow(/SMTP_URL and MAIL_FROM/);
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example.org', MAIL_FROM: from })).toThrow(/smtp:\/\//);
    expect(() => loadConfig({ SMTP_URL: 'not a url', MAIL_FROM: from })).toThrow(/SMTP_URL is not a URL/);
  });

  it('reads lists and numbers, and names the variable that is wrong', () => {
    const config = loadConfig({ TRUSTED_PROXIES: '10.0.0.1, 10.0.0.0/8', WORKLETS_READS_PER_MINUTE: '900' });
    expect(config.trustedProxies).toEqual(['10.0.0.1', '10.0.0.0/8']);
    expect(config.readsPerMinute).toBe(900);
    expect(() => loadConfig({ WORKLETS_READS_PER_MINUTE: 'many' })).toThrow(/WORKLETS_READS_PER_MINUTE/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(ConfigError);
    expect(() => loadConfig({ WORKLETS_DEMO: 'yes' })).toThrow(/WORKLETS_DEMO/);
    expect(() => loadConfig({ WORKLETS_ADMIN_EMAIL: 'a@b.example' })).toThrow(/WORKLETS_ADMIN_PASSWORD/);
    expect(loadConfig({ WORKLETS_DEMO: '1' }).demo).toBe(true);
    expect(loadConfig({ WORKLETS_DB_PREPARED_STATEMENTS: '0' }).preparedStatements).toBe(false);
    expect(() => loadConfig({ WORKLETS_DB_PREPARED_STATEMENTS: 'off' })).toThrow(/WORKLETS_DB_PREPARED_STATEMENTS/);
  });
});
