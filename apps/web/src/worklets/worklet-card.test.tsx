import { MantineProvider } from '@mantine/core';
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkletCard, type WorkletCardData } from './worklet-card.tsx';

afterEach(cleanup);

const base: WorkletCardData = {
  id: 7,
  title: 'Edge inference for crop disease detection',
  description: '',
  status: 'active',
  version: 1,
  updatedAt: new Date(),
  mentors: [],
  hasPrimary: false,
};
const mentor = (id: number, name: string, role: 'Primary' | 'Secondary' | 'Collaborator') => ({
  assignmentId: id,
  mentorId: id,
  name,
  email: `${id}@x.example`,
  role,
  assignedAt: new Date(),
});

function renderCard(worklet: WorkletCardData) {
  return render(
    <MantineProvider>
      <WorkletCard worklet={worklet} />
    </MantineProvider>,
  );
}

describe('WorkletCard', () => {
  it('shows every mentor with a role badge, in the order given (Primary first)', () => {
    renderCard({
      ...base,
      hasPrimary: true,
      mentors: [mentor(1, 'Ada Lovelace', 'Primary'), mentor(2, 'Bob Okafor', 'Secondary')],
    });
    const items = within(screen.getByRole('list', { name: 'Mentors' })).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual(['PrimaryAda Lovelace', 'SecondaryBob Okafor']);
    expect(screen.getByRole('article').dataset.coverage).toBe('ok');
    expect(screen.getByRole('link', { name: base.title }).getAttribute('href')).toBe('/worklets/7');
  });

  it('stands out when it has mentors but no Primary', () => {
    renderCard({ ...base, mentors: [mentor(2, 'Bob Okafor', 'Secondary')] });
    expect(screen.getByText('Needs a Primary')).toBeTruthy();
    expect(screen.getByRole('article').dataset.coverage).toBe('needs-primary');
  });

  it('does not flag a finished worklet', () => {
    renderCard({ ...base, status: 'archived' });
    expect(screen.queryByText('No mentors')).toBeNull();
    expect(screen.getByRole('article').dataset.coverage).toBe('ok');
  });

  it('stands out when it has no mentor at all', () => {
    renderCard(base);
    expect(screen.getByText('No mentors')).toBeTruthy();
    expect(screen.getByRole('article').dataset.coverage).toBe('no-mentors');
  });
});
