/**
 * The typed API client of the dashboard. Only `type AppRouter` comes from the server
 * package, so no server code reaches the bundle.
 * https://trpc.io/docs/client/react/setup
 */

import { createTRPCReact, httpBatchLink } from '@trpc/react-query';
import type { AppRouter } from '@worklets/api';
import { maxBatchSize } from '@worklets/validators/limits';
import superjson from 'superjson';

export const trpc = createTRPCReact<AppRouter>();

export function createApiClient() {
  return trpc.createClient({
    links: [httpBatchLink({ url: '/api/trpc', transformer: superjson, maxItems: maxBatchSize })],
  });
}
