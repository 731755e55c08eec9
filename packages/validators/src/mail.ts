/** Inputs of the mail procedures (issue 10). */
import { z } from 'zod';
import { id } from './common.ts';

/** The signed-in user's own switch: mail about their assignments, on or off. */
export const setNotificationsInput = z.strictObject({ enabled: z.boolean() });

/** An undelivered mail to try again now. */
export const outboxMailIdInput = z.strictObject({ id });
