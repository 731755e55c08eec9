import { Alert, Anchor, Card, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link } from 'wouter';
import { errorMessage } from '../lib/api-errors.ts';
import { trpc } from '../trpc.ts';

type Tile = { label: string; count: number; href: string; action: string; description: string };

/**
 * Coverage at a glance, for coordinators: each count links to the list that shows exactly
 * those (the API computes each count with its list filter's own definition).
 */
export function OverviewPage() {
  const coverage = trpc.worklets.coverage.useQuery();
  const tiles: Tile[] = coverage.data
    ? [
        {
          label: 'Open worklets without a Primary mentor',
          count: coverage.data.needsPrimary,
          href: '/worklets?coverage=needs_primary',
          action: 'Show worklets without a Primary',
          description: 'Draft or active worklets with no active Primary.',
        },
        {
          label: 'Open worklets without mentors',
          count: coverage.data.noMentors,
          href: '/worklets?coverage=no_mentors',
          action: 'Show worklets without mentors',
          description: 'Draft or active worklets with no active mentor at all.',
        },
        {
          label: 'Mentors over capacity',
          count: coverage.data.mentorsOverCapacity ?? 0,
          href: '/mentors?overCapacity=1&sort=load',
          action: 'Show mentors over capacity',
          description: 'More open worklets than their capacity (their own, or the program default).',
        },
      ]
    : [];
  return (
    <Stack>
      <Title order={1} size="h2">
        Overview
      </Title>
      {coverage.isPending && <Loader aria-label="Loading coverage" />}
      {coverage.isError && (
        <Alert color="red" role="alert">
          {errorMessage(coverage.error)}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, sm: 3 }} component="ul" role="list" aria-label="Coverage" p={0} m={0}>
        {tiles.map((t) => (
          <Card key={t.href} withBorder component="li" style={{ listStyle: 'none' }}>
            <Text size="sm" fw={600} component="h2" m={0}>
              {t.label}
            </Text>
            <Text fz={40} fw={700} lh={1.2} c={t.count > 0 ? 'red.9' : undefined} aria-hidden>
              {t.count}
            </Text>
            <Text size="sm" c="dimmed" mb="xs">
              {t.description}
            </Text>
            <Anchor component={Link} href={t.href} aria-label={`${t.action}: ${t.count}`}>
              {t.action}
            </Anchor>
          </Card>
        ))}
      </SimpleGrid>
    </Stack>
  );
}
