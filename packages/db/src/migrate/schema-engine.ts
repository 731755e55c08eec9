/**
 * Prisma's schema engine, compiled to WebAssembly, driven over our own `pg` connection.
 *
 * Prisma's CLI downloads a native schema engine on almost every command, and that host is
 * unreachable from our machines. The engine is also published as WebAssembly
 * (`@prisma/schema-engine-wasm`); this module loads it the way `@prisma/internals` does,
 * but reads the `.wasm` file from the engine's own package. Everything that touches these
 * internal packages lives here; the migrations folder stays in Prisma's standard layout,
 * so `prisma migrate deploy` works unchanged wherever the native engine is available.
 * Versions are pinned exactly in pnpm-workspace.yaml (engine 7.10.0-4.0edf… = client 7.10.0).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm';
import pg from 'pg';

const require = createRequire(import.meta.url);
const noFilter: SchemaFilter = { externalTables: [], externalEnums: [] };

let engineClass: Promise<typeof SchemaEngine> | undefined;

function loadEngineClass(): Promise<typeof SchemaEngine> {
  engineClass ??= (async () => {
    const runtime = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const wasmPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/\.js$/, '.wasm');
    const module = new WebAssembly.Module(await readFile(wasmPath));
    const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': runtime as never });
    runtime.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return runtime.SchemaEngine;
  })();
  return engineClass;
}

/** Runs `work` with a schema engine connected to `connectionString`; always frees both. */
export async function withSchemaEngine<T>(
  connectionString: string,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const Engine = await loadEngineClass();
  // Our own pool, so that it is closed when the work is done (the adapter leaves an
  // external pool open, and an idle one would keep the process alive).
  const pool = new pg.Pool({ connectionString, max: 1, connectionTimeoutMillis: 10_000 });
  pool.on('error', () => {});
  try {
    // Freeing the engine does not dispose the adapters it opened: track and dispose them.
    const factory = new PrismaPg(pool);
    const opened: { dispose(): Promise<void> }[] = [];
    const connect = factory.connect.bind(factory);
    factory.connect = async () => {
      const adapter = await connect();
      opened.push(adapter);
      // The adapter runs a script statement by statement, each committed on its own (and
      // splits on every `;`, even inside $$ bodies). Send it as one multi-statement query
      // instead: PostgreSQL runs that as one implicit transaction, so a failing migration
      // leaves nothing half-applied.
      const client = (adapter as unknown as { client: pg.PoolClient }).client;
      const onError = (adapter as unknown as { onError(error: unknown): never }).onError.bind(adapter);
      adapter.executeScript = async (script: string) => {
        try {
          await client.query(script);
        } catch (error) {
          onError(error);
        }
      };
      return adapter;
    };
    const engine = await Engine.new({ datamodels: undefined }, () => {}, bindMigrationAwareSqlAdapterFactory(factory));
    try {
      return await work(engine);
    } finally {
      engine.free();
      await Promise.all(opened.map((adapter) => adapter.dispose()));
    }
  } finally {
    await pool.end();
  }
}

export type MigrationDirectory = { name: string; sql: string };

/** Applies the migrations not yet recorded in `_prisma_migrations`; returns their names. */
export async function applyMigrationList(
  connectionString: string,
  baseDir: string,
  migrations: MigrationDirectory[],
  lockfile: string | null,
): Promise<string[]> {
  return withSchemaEngine(connectionString, async (engine) => {
    const output = await engine.applyMigrations({
      migrationsList: {
        baseDir,
        lockfile: { path: 'migration_lock.toml', content: lockfile },
        shadowDbInitScript: '',
        migrationDirectories: migrations.map((m) => ({
          path: m.name,
          migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: m.sql } },
        })),
      },
      filters: noFilter,
    });
    return output.appliedMigrationNames;
  });
}
