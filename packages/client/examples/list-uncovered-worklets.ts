/**
 * Example: list the worklets that need a Primary mentor.
 *   WORKLETS_URL=http://localhost:3000 WORKLETS_EMAIL=admin@worklets.example \
 *   WORKLETS_PASSWORD=worklets-demo pnpm --filter @worklets/client example
 */
import { connectWorklets } from '../src/client.ts';

const client = await connectWorklets({
  baseUrl: process.env.WORKLETS_URL ?? 'http://localhost:3000',
  email: process.env.WORKLETS_EMAIL,
  password: process.env.WORKLETS_PASSWORD,
});
let cursor: number | null = null;
let total = 0;
do {
  const page: Awaited<ReturnType<typeof client.api.worklets.list.query>> = await client.api.worklets.list.query({
    coverage: 'needs_primary',
    limit: 100,
    cursor,
  });
  for (const w of page.items) {
    total += 1;
    console.log(
      `#${w.id} ${w.title} [${w.status}] mentors: ${w.mentors.map((m) => `${m.name} (${m.role})`).join(', ') || 'none'}`,
    );
  }
  cursor = page.nextCursor;
} while (cursor !== null);
console.log(`${total} worklets need a Primary mentor`);
await client.signOut();
