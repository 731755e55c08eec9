/** CSV import of assignments for the host (`@worklets/api/import`). */
export { applyImport, type ImportResult, previewImport, type RawLine } from './assignment-import.ts';
