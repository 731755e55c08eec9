import { Button, Group } from '@mantine/core';

/** The "Load more" button under a keyset-paginated list (an infinite query). */
export function LoadMore({
  query,
  label,
}: {
  query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
  label: string;
}) {
  if (!query.hasNextPage) return null;
  return (
    <Group justify="center">
      <Button variant="default" onClick={() => query.fetchNextPage()} loading={query.isFetchingNextPage}>
        {label}
      </Button>
    </Group>
  );
}
