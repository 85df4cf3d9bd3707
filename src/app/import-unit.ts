/** What the order import's readers (JSON, CSV) hand to its storing: units of one order, and their errors. */

/** A row error of an import: the row (CSV line, or JSON position; 0 for the file) and the field or column. */
export interface ImportRowError { row: number; field: string; message: string }

/** A problem of the whole file (unparseable, unreadable, bad header): one `(file)` error, nothing imported. */
export class FileProblem extends Error {}

/** The field of a file error. */
export const FILE = '(file)';
/** The field of an order's rows that are refused with it (or for it as a whole). */
export const ORDER = '(order)';

/** One order to store: its raw API body, the rows it came from and how to name its fields. */
export interface Unit {
  raw: unknown;
  /** Rows of the order (CSV lines, or the 1-based array position for JSON). */
  rows: number[];
  /** Problems found before validation (CSV conversion, grouping). */
  pre: ImportRowError[];
  locate(path: string): { row: number; field: string };
}
