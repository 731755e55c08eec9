import { Center, Loader } from '@mantine/core';
import type { ReactNode } from 'react';
import { Redirect, Route, Switch, useLocation } from 'wouter';
import { AccountPage } from './accounts/account-page.tsx';
import { ForgotPasswordPage } from './accounts/forgot-password-page.tsx';
import { LinkPage } from './accounts/link-page.tsx';
import { AuditLogPage } from './audit-log/audit-log-page.tsx';
import { SignInPage } from './auth/sign-in-page.tsx';
import { ImportPage } from './imports/import-page.tsx';
import { AppLayout } from './layout/app-layout.tsx';
import { NotFoundPage, NotPermittedPage } from './layout/status-pages.tsx';
import { errorCode } from './lib/api-errors.ts';
import { NotificationSettingsPage } from './mail/notification-settings.tsx';
import { UndeliveredMailPage } from './mail/undelivered-page.tsx';
import { MentorPage } from './mentors/mentor-page.tsx';
import { MentorsPage } from './mentors/mentors-page.tsx';
import { MyWorkletsPage } from './mentors/my-worklets-page.tsx';
import { OverviewPage } from './overview/overview-page.tsx';
import { ApiTokensPage } from './tokens/api-tokens-page.tsx';
import { trpc } from './trpc.ts';
import { UsersPage } from './users/users-page.tsx';
import { WorkletDetailPage } from './worklets/worklet-detail-page.tsx';
import { WorkletsPage } from './worklets/worklets-page.tsx';

/** Pages for people who are not signed in: one-time links and "forgot password". */
const publicPages: Record<string, () => ReactNode> = {
  '/invite': () => <LinkPage purpose="invite" />,
  '/reset': () => <LinkPage purpose="reset" />,
  '/setup': () => <LinkPage purpose="setup" />,
  '/forgot-password': () => <ForgotPasswordPage />,
};

export function App() {
  const [location] = useLocation();
  const publicPage = publicPages[location];
  return publicPage ? publicPage() : <SignedInApp />;
}

function SignedInApp() {
  const me = trpc.users.me.useQuery(undefined, { retry: false, staleTime: Infinity });
  if (me.isPending) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading Worklets" />
      </Center>
    );
  }
  if (!me.data || errorCode(me.error) === 'UNAUTHORIZED') return <SignInPage />;
  const user = me.data;
  const admin = user.role === 'admin';
  return (
    <AppLayout user={user}>
      <Switch>
        <Route path="/">{user.role === 'mentor' ? <Redirect to="/my-worklets" /> : <Redirect to="/worklets" />}</Route>
        <Route path="/worklets">
          <WorkletsPage user={user} />
        </Route>
        <Route path="/worklets/:id">{(params) => <WorkletDetailPage id={Number(params.id)} user={user} />}</Route>
        <Route path="/my-worklets">
          <MyWorkletsPage user={user} />
        </Route>
        <Route path="/mentors">{admin ? <MentorsPage /> : <NotPermittedPage />}</Route>
        <Route path="/mentors/:id">
          {(params) => (admin ? <MentorPage id={Number(params.id)} /> : <NotPermittedPage />)}
        </Route>
        <Route path="/overview">{admin ? <OverviewPage /> : <NotPermittedPage />}</Route>
        <Route path="/users">{admin ? <UsersPage user={user} /> : <NotPermittedPage />}</Route>
        <Route path="/account">
          <AccountPage user={user} />
        </Route>
        <Route path="/audit-log">{admin ? <AuditLogPage /> : <NotPermittedPage />}</Route>
        <Route path="/import">{admin ? <ImportPage /> : <NotPermittedPage />}</Route>
        <Route path="/api-tokens">{admin ? <ApiTokensPage /> : <NotPermittedPage />}</Route>
        <Route path="/mail">{admin ? <UndeliveredMailPage /> : <NotPermittedPage />}</Route>
        <Route path="/settings/notifications">
          <NotificationSettingsPage />
        </Route>
        <Route>
          <NotFoundPage />
        </Route>
      </Switch>
    </AppLayout>
  );
}
