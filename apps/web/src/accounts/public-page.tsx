import { Center, Paper } from '@mantine/core';
import type { ReactNode } from 'react';

/** The frame of the pages a signed-out person sees (sign-in, links, forgot password). */
export function PublicPage({ children }: { children: ReactNode }) {
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={420}>
        {children}
      </Paper>
    </Center>
  );
}
