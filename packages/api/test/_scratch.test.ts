import { afterAll, beforeAll, it } from 'vitest';
import { createApiFixture, type ApiFixture } from './api-fixture.ts';

let f: ApiFixture;
beforeAll(async () => { f = await createApiFixture(); });
afterAll(async () => { await f.close(); });

it('scratch', async () => {
  const admin = await f.user('admin');
  await f.worklet({ title: 'abc 100% done' });
  await f.worklet({ title: 'abc 1000 things' });
  await f.worklet({ title: 'a_c' });
  const api = f.callerFor(admin);
  console.log((await api.worklets.list({ search: '100%' })).items.map((i) => i.title));
  console.log((await api.worklets.list({ search: 'a_c' })).items.map((i) => i.title));
  await f.db.pool.query(`CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'boom'; END $$`);
  await f.db.pool.query(`CREATE TRIGGER boom BEFORE UPDATE ON users FOR EACH ROW WHEN (NEW.name = 'boom') EXECUTE FUNCTION boom()`);
  const u = await f.user('mentor', { name: 'boom' });
  try { await api.users.setActive({ id: u.id, isActive: false }); } catch (e: any) { console.log('ERR', e.code, e.message, String(e.cause?.message).slice(0, 300), e.cause?.constructor?.name, e.cause?.code, JSON.stringify(e.cause?.meta)); }
  try { await api.users.update({ id: u.id, email: admin.email }); } catch (e: any) { console.log('ERR', e.code, e.message, String(e.cause?.message).slice(0, 300), e.cause?.constructor?.name, e.cause?.code, JSON.stringify(e.cause?.meta)); }
});
