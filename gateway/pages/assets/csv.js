// csv.js: the access trail as CSV (RFC 4180): a header row of the API's
// member names, one row a record, fields separated by commas and rows by
// CRLF; a field holding a comma, a quote, CR or LF is quoted, its quotes
// doubled. The text is UTF-8 after a byte order mark, so that spreadsheet
// programs read Chinese correctly. A field that begins with = + - @ or a
// tab is written after an apostrophe, so that no spreadsheet takes it for
// a formula; the signed report holds every value exactly.

/** columns are the CSV's columns: the access record's members. */
export const columns = ['at', 'kind', 'id', 'datasetId', 'owner', 'requester', 'requesterId', 'authorizationId', 'purpose', 'fields',
  'subjects', 'reason', 'requestDigest', 'responseDigest', 'recordedBy', 'sourceChannel'];

/** cell is one value as a CSV field. */
export function cell(value) {
  let s = value === undefined || value === null ? '' : String(value);
  if (/^[=+\-@\t]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? '"' + s.replaceAll('"', '""') + '"' : s;
}

/** row is a record's values, in the order of columns; lists are joined by ";". */
function row(r) {
  const v = { ...r, fields: (r.fields ?? []).join(';'), subjects: (r.subjects ?? []).join(';'), sourceChannel: r.source?.channel ?? '' };
  return columns.map((c) => cell(v[c])).join(',');
}

/** csv is the records as a CSV file's Blob, with its byte order mark. */
export function csv(records) {
  const lines = [columns.join(','), ...records.map(row)];
  return new Blob(['\ufeff' + lines.join('\r\n') + '\r\n'], { type: 'text/csv;charset=utf-8' });
}
