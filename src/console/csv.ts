/** CSV lines (RFC 4180 quoting) for the console's downloads; values are written exactly (passwords must survive). */

/** One CSV line, CRLF-terminated; fields with a comma, quote or line break are quoted. */
export function csvLine(fields: string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',') + '\r\n';
}
