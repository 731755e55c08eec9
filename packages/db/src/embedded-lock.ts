/**
 * One process per embedded database. PGlite is a single PostgreSQL session over files: two
 * processes that open the same data directory each write their own view of it and lose
 * each other's writes. The process that opens it holds an exclusive lock file (created
 * with O_EXCL, holding its pid and command); any other process stops at once with one line
 * that names the holder. A lock whose process is gone (a crash, kill -9) is stale and is
 * taken over.
 */
import { closeSync, openSync, readFileSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { basename, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatabaseError } from './errors.ts';

type Holder = { pid: number; command: string };

/** How the current process was started, for the message another process prints. */
function describeCommand(): string {
  const script = process.env.npm_lifecycle_event;
  if (script) return `pnpm ${script}`;
  const [, entry, ...args] = process.argv;
  return [basename(entry ?? 'node'), ...args.filter((a) => a.startsWith('-') || !a.includes('='))]
    .join(' ')
    .slice(0, 80);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): Holder | null {
  try {
    const holder = JSON.parse(readFileSync(path, 'utf8')) as Holder;
    return Number.isInteger(holder.pid) ? holder : null;
  } catch {
    return null;
  }
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The data directory as people know it: relative to the repository (.data/pglite) when inside it. */
function shown(dir: string): string {
  const rel = relative(repoRoot, dir);
  return rel && !rel.startsWith('..') ? rel : dir;
}

/** Takes the lock of `dataDir` at `lockPath`; returns the function that releases it. */
export function lockDataDirectory(dataDir: string, lockPath: string): () => void {
  const content = JSON.stringify({ pid: process.pid, command: describeCommand() } satisfies Holder);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(lockPath, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(lockPath);
      if (holder && isAlive(holder.pid)) {
        throw new DatabaseError(
          `the embedded database in ${shown(dataDir)} is in use by process ${holder.pid} (${holder.command}): stop it first`,
        );
      }
      // Stale (its process is gone) or half-written: move it aside atomically, so that of two
      // processes taking over the same stale lock only one removes it, then try again.
      try {
        const aside = `${lockPath}.stale-${process.pid}`;
        renameSync(lockPath, aside);
        rmSync(aside, { force: true });
      } catch {
        // Someone else moved it first: try again.
      }
      continue;
    }
    try {
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
    const release = () => {
      if (readHolder(lockPath)?.pid === process.pid) {
        try {
          unlinkSync(lockPath);
        } catch {
          // Already gone.
        }
      }
      process.off('exit', release);
    };
    process.on('exit', release);
    return release;
  }
  throw new DatabaseError(`could not lock the embedded database in ${shown(dataDir)}: try again`);
}
