// Imported first by main.tsx, before any schema is built: zod probes `new Function` for
// faster parsing, which our Content-Security-Policy (no eval) reports as a violation.
import { config } from 'zod';

config({ jitless: true });
