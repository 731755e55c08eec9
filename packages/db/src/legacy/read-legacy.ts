/**
 * Reads the legacy MySQL system's tables (../../../../shared/legacy/schema.sql, copied to
 * packages/db/test/fixtures/legacy) through mysql2: users, worklets and, where the legacy
 * system has it, mentor_worklet_assignments. Read-only: one consistent snapshot
 * (a read-only transaction), nothing written there.
 */
import mysql from 'mysql2/promise';
import { DatabaseError } from '../errors.ts';

export type LegacyUser = {
  id: number;
  name: string;
  email: string;
  role: string;
  isActive: boolean;
  createdAt: Date | null;
};
export type LegacyWorklet = {
  id: number;
  title: string;
  description: string | null;
  status: string;
  mentorId: number | null;
  createdAt: Date | null;
};
export type LegacyAssignment = {
  id: number;
  mentorId: number;
  workletId: number;
  assignedAt: Date | null;
  role: string | null;
  isActive: boolean;
  assignedBy: number | null;
};
export type LegacyData = { users: LegacyUser[]; worklets: LegacyWorklet[]; assignments: LegacyAssignment[] | null };

/** The URL without its password, for messages. */
function redactMysqlUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the given URL';
  }
}

export async function readLegacy(url: string): Promise<LegacyData> {
  if (!/^mysql:\/\//.test(url)) throw new DatabaseError('--from takes a mysql://USER@HOST:PORT/DATABASE URL');
  let connection: mysql.Connection;
  try {
    connection = await mysql.createConnection({ uri: url, timezone: 'Z', dateStrings: false, connectTimeout: 10_000 });
  } catch (error) {
    throw new DatabaseError(
      `cannot connect to the legacy database at ${redactMysqlUrl(url)}: ${(error as Error).message}`,
    );
  }
  try {
    await connection.query('START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT');
    const [users] = await connection.query<mysql.RowDataPacket[]>(
      'SELECT id, name, email, role, is_active, created_at FROM users ORDER BY id',
    );
    const [worklets] = await connection.query<mysql.RowDataPacket[]>(
      'SELECT id, title, description, status, mentor_id, created_at FROM worklets ORDER BY id',
    );
    const [tables] = await connection.query<mysql.RowDataPacket[]>(
      `SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'mentor_worklet_assignments'`,
    );
    const [assignments] = tables.length
      ? await connection.query<mysql.RowDataPacket[]>(
          'SELECT id, mentor_id, worklet_id, assigned_at, role_type, is_active, assigned_by FROM mentor_worklet_assignments ORDER BY id',
        )
      : [null];
    await connection.query('COMMIT');
    return {
      users: users.map((u) => ({
        id: u.id,
        name: u.name,
        email: u.email,
        role: u.role,
        isActive: Boolean(u.is_active),
        createdAt: u.created_at,
      })),
      worklets: worklets.map((w) => ({
        id: w.id,
        title: w.title,
        description: w.description,
        status: w.status,
        mentorId: w.mentor_id,
        createdAt: w.created_at,
      })),
      assignments:
        assignments?.map((a) => ({
          id: a.id,
          mentorId: a.mentor_id,
          workletId: a.worklet_id,
          assignedAt: a.assigned_at,
          role: a.role_type,
          isActive: a.is_active === null ? true : Boolean(a.is_active),
          assignedBy: a.assigned_by,
        })) ?? null,
    };
  } catch (error) {
    if (error instanceof DatabaseError) throw error;
    throw new DatabaseError(`cannot read the legacy tables at ${redactMysqlUrl(url)}: ${(error as Error).message}`);
  } finally {
    await connection.end();
  }
}
