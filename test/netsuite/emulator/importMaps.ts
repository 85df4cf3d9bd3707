/**
 * Saved CSV import maps (`custimport_*.xml` SDF objects) read from `netsuite/src/Objects/` by
 * globbing the folder, so a renamed map is found by its `scriptid` and never by a file name.
 *
 * Only what the emulator applies is kept: record type, data handling (ADD / UPDATE / ADDUPDATE),
 * delimiter, whether to run server SuiteScript, and the field mappings per record or sublist
 * (`SALESORDER`, `SALESORDER:ITEM`, …) with the CSV column and the reference type
 * (NAME / INTERNAL_ID / EXTERNAL_ID) or a constant value.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NETSUITE_DIR } from '../support/build';

export const OBJECTS_DIR = join(NETSUITE_DIR, 'src', 'Objects');

export type DataHandling = 'ADD' | 'UPDATE' | 'ADDUPDATE';

export interface FieldMapping {
  /** `SALESORDER` (body) or `SALESORDER:ITEM` (sublist). */
  record: string;
  /** The map's field name: `ID`, `EXTERNALID`, `LINE`, `QUANTITY`, `[scriptid=custcol_x]`, … */
  field: string;
  /** CSV column header, or '' for a constant. */
  column: string;
  /** NAME, INTERNAL_ID or EXTERNAL_ID for a column; '' for a constant. */
  type: string;
  /** Constant value (`<value>`), when the mapping has no column. */
  value?: string;
}

export interface ImportMap {
  scriptId: string;
  file: string;
  recordType: string;
  dataHandling: DataHandling;
  /** The column delimiter character. */
  delimiter: string;
  /** NetSuite CSV imports always read one header row (the Import Assistant has no "no header" option). */
  headerRow: true;
  runServerSuiteScript: boolean;
  overwriteSublists: boolean;
  mappings: FieldMapping[];
}

const DELIMITERS: Record<string, string> = { COMMA: ',', SEMICOLON: ';', PIPE: '|', TAB: '\t', SPACE: ' ' };

const tag = (xml: string, name: string): string => {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return m ? decode(m[1].trim()) : '';
};

function decode(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

export function parseImportMap(xml: string, file = ''): ImportMap {
  const scriptId = /<savedcsvimport\s+scriptid="([^"]+)"/.exec(xml)?.[1];
  if (!scriptId) throw new Error(`${file}: not a savedcsvimport object`);
  const dh = tag(xml, 'datahandling');
  if (dh !== 'ADD' && dh !== 'UPDATE' && dh !== 'ADDUPDATE') throw new Error(`${file}: datahandling ${dh} not supported`);
  const delimiter = DELIMITERS[tag(xml, 'columndelimiter') || 'COMMA'];
  if (!delimiter) throw new Error(`${file}: columndelimiter ${tag(xml, 'columndelimiter')} not supported`);
  const mappings: FieldMapping[] = [];
  for (const rm of xml.matchAll(/<recordmapping>([^]*?)<\/recordmapping>/g)) {
    const record = tag(rm[1], 'record');
    for (const fm of rm[1].matchAll(/<fieldmapping>([^]*?)<\/fieldmapping>/g)) {
      const body = fm[1];
      const field = tag(body, 'field');
      const ref = /<columnreference>([^]*?)<\/columnreference>/.exec(body);
      if (ref) mappings.push({ record, field, column: tag(ref[1], 'column'), type: tag(ref[1], 'type') || 'NAME' });
      else mappings.push({ record, field, column: '', type: '', value: tag(body, 'value') });
    }
  }
  return {
    scriptId,
    file,
    recordType: tag(xml, 'recordtype'),
    dataHandling: dh,
    delimiter,
    headerRow: true,
    runServerSuiteScript: tag(xml, 'runserversuitescript') === 'T',
    overwriteSublists: tag(xml, 'overwritesublists') === 'T',
    mappings,
  };
}

/** Every `custimport_*.xml` of the SDF project, by script id. */
export function loadImportMaps(dir = OBJECTS_DIR): Map<string, ImportMap> {
  const maps = new Map<string, ImportMap>();
  for (const f of readdirSync(dir).filter((n) => /^custimport_.*\.xml$/.test(n)).sort()) {
    const m = parseImportMap(readFileSync(join(dir, f), 'utf8'), f);
    maps.set(m.scriptId, m);
  }
  return maps;
}
