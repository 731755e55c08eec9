import { Anchor, Stack, Text, Title } from '@mantine/core';
import { Link } from 'wouter';

/** What an unknown address shows, instead of a blank page or a silent redirect. */
export function NotFoundPage() {
  return (
    <Stack gap="sm" maw={560}>
      <Title order={1}>Page not found</Title>
      <Text>There is nothing at this address. It may have been mistyped, or the page has moved.</Text>
      <Anchor component={Link} href="/">
        Go to the start page
      </Anchor>
    </Stack>
  );
}

/** What a screen the signed-in user may not open shows. */
export function NotPermittedPage() {
  return (
    <Stack gap="sm" maw={560}>
      <Title order={1}>Not permitted</Title>
      <Text>This page is for coordinators. If you need it, ask a coordinator of your program for access.</Text>
      <Anchor component={Link} href="/">
        Go to the start page
      </Anchor>
    </Stack>
  );
}
