import { AppShell, Burger, Group, Menu, NavLink, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { SessionUser } from '@worklets/api';
import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { signOut } from '../auth/session.ts';
import { trpc } from '../trpc.ts';

type NavItem = { href: string; label: string };

function navItems(user: SessionUser): NavItem[] {
  if (user.role === 'admin') {
    return [
      { href: '/overview', label: 'Overview' },
      { href: '/worklets', label: 'Worklets' },
      { href: '/mentors', label: 'Mentors' },
      { href: '/users', label: 'Users' },
      { href: '/audit-log', label: 'Audit log' },
      { href: '/import', label: 'Import' },
      { href: '/api-tokens', label: 'API tokens' },
      { href: '/mail', label: 'Mail' },
    ];
  }
  if (user.role === 'mentor') {
    return [
      { href: '/my-worklets', label: 'My worklets' },
      { href: '/worklets', label: 'Worklets' },
    ];
  }
  return [{ href: '/worklets', label: 'Worklets' }];
}

export function AppLayout({ user, children }: { user: SessionUser; children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure();
  const [location] = useLocation();
  const utils = trpc.useUtils();

  async function leave() {
    await signOut();
    utils.invalidate();
    await utils.users.me.reset();
  }

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="sm">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Text fw={700} size="lg" component={Link} href="/">
              Worklets
            </Text>
          </Group>
          <Menu position="bottom-end">
            <Menu.Target>
              <UnstyledButton aria-label={`Account of ${user.name}`}>
                <Text size="sm">
                  {user.name}{' '}
                  <Text span c="dimmed">
                    ({user.role})
                  </Text>
                </Text>
              </UnstyledButton>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>{user.email}</Menu.Label>
              <Menu.Item component={Link} href="/settings/notifications">
                Notifications
              </Menu.Item>
              <Menu.Item component={Link} href="/account">
                Your account
              </Menu.Item>
              <Menu.Item onClick={leave}>Sign out</Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Main navigation">
        {navItems(user).map((item) => (
          <NavLink
            key={item.href}
            component={Link}
            href={item.href}
            label={item.label}
            active={location === item.href || location.startsWith(`${item.href}/`)}
            onClick={close}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
