import { z } from 'zod';
import { mentorCapacity } from './mentors.ts';

/** The program's settings an admin can change: the capacity of mentors without their own. */
export const updateProgramSettingsInput = z.strictObject({ defaultMentorCapacity: mentorCapacity });
export type UpdateProgramSettingsInput = z.input<typeof updateProgramSettingsInput>;
