/** CSV exports' rows for the host (`@worklets/api/export`). */
export {
  assignmentColumns,
  auditLogColumns,
  auditLogExportRows,
  type ExportRow,
  mentorColumns,
  mentorExportRows,
  workletColumns,
  workletExportRows,
} from './export-rows.ts';
