/**
 * Throwaway PostgreSQL clusters for tests that stop, pause or replicate a server: `initdb`
 * into a temporary folder, `pg_ctl` on a free loopback port. The server programs are found
 * with `pg_config --bindir`, else in the newest /usr/lib/postgresql/<version>/bin (Debian's
 * layout). As root (initdb and postgres refuse root) every tool runs as the postgres user.
 * Not a test file itself.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;

/** The folder of initdb, pg_ctl and pg_basebackup. */
async function postgresBinDir(): Promise<string> {
  const candidates: string[] = [];
  try {
    candidates.push((await run('pg_config', ['--bindir'])).stdout.trim());
  } catch {
    // No pg_config on PATH: look where Debian installs the server.
  }
  const root = '/usr/lib/postgresql';
  if (existsSync(root))
    for (const version of readdirSync(root).sort((a, b) => Number(b) - Number(a)))
      candidates.push(join(root, version, 'bin'));
  const found = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_basebackup')));
  if (!found) throw new Error(`initdb and pg_basebackup not found (looked in ${candidates.join(', ') || 'no folder'})`);
  return found;
}

let bin: Promise<string> | null = null;

/** Runs a PostgreSQL tool (as the postgres user when this process is root). */
export async function pgTool(tool: string, args: string[]) {
  bin ??= postgresBinDir();
  const path = join(await bin, tool);
  const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
  return run(file, argv, { timeout: 60_000 });
}

/** Makes `dir` the postgres user's when this process is root (the tools write into it). */
export async function giveToPostgres(dir: string) {
  if (!isRoot) return;
  const { stdout: uid } = await run('id', ['-u', 'postgres']);
  const { stdout: gid } = await run('id', ['-g', 'postgres']);
  chownSync(dir, Number(uid.trim()), Number(gid.trim()));
}

/** A cluster's data folder, started with `pg_ctl` on 127.0.0.1:`port` (socket and log in `dir`). */
export function cluster(dir: string, name: string, port: number) {
  const dataDir = join(dir, name);
  let running = false;
  return {
    dataDir,
    port,
    url: (database: string) => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    get running() {
      return running;
    },
    async start(settings: string[] = []) {
      const options = [`-k ${dir}`, `-p ${port}`, '-c listen_addresses=127.0.0.1', '-c fsync=off', ...settings];
      await pgTool('pg_ctl', [
        '-D',
        dataDir,
        '-l',
        join(dir, `${name}.log`),
        '-w',
        '-t',
        '30',
        '-o',
        options.join(' '),
        'start',
      ]);
      running = true;
    },
    async stop(mode: 'fast' | 'immediate' = 'fast') {
      await pgTool('pg_ctl', ['-D', dataDir, '-m', mode, '-w', '-t', '30', 'stop']);
      running = false;
    },
  };
}
