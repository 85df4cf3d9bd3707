/**
 * Checks every SDF object of netsuite/src against the SDF rules this project relies on. Oracle's
 * validator (`suitecloud project:validate`) cannot be installed here (its CLI downloads a JAR from
 * netsuite.com and needs an account), so the rules are written out, each with the documentation
 * page it comes from. Where the reference lists many more elements than we use, only the ones our
 * objects use are checked; an object type without rules here fails the test, so a new kind of
 * object has to bring its rules along.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildNetsuite, NETSUITE_DIR, TS_DIR } from './support/build';
import { child, children, type El, parseXml, value, walk } from './support/xml';

// ---------------------------------------------------------------------------------------------
// The project.

const SRC = join(NETSUITE_DIR, 'src');
const OBJECTS = join(SRC, 'Objects');

interface Obj {
  file: string;
  root: El;
}

let objects: Obj[] = [];
let manifest: El;
let deploy: El;
let out = '';

beforeAll(() => {
  objects = readdirSync(OBJECTS)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((file) => ({ file, root: parseXml(readFileSync(join(OBJECTS, file), 'utf8'), file) }));
  manifest = parseXml(readFileSync(join(SRC, 'manifest.xml'), 'utf8'), 'manifest.xml');
  deploy = parseXml(readFileSync(join(SRC, 'deploy.xml'), 'utf8'), 'deploy.xml');
  out = buildNetsuite();
});

/** Every element carrying a scriptid (top-level objects and the ones nested in them). */
const allScriptIds = () => new Set(objects.flatMap((o) => [...walk(o.root)].map((e) => e.attrs.scriptid).filter((s): s is string => !!s)));
const byType = (type: string) => objects.filter((o) => o.root.name === type);

// ---------------------------------------------------------------------------------------------
// Rules.

/**
 * Script id prefixes per object type. SuiteCloud Development Framework XML Reference, each
 * object's page ("scriptid ... The value must start with …"): customrecordtype `customrecord`,
 * customrecordcustomfield `custrecord`, transactionbodycustomfield `custbody`,
 * transactioncolumncustomfield `custcol`, savedcsvimport `custimport`, scheduledscript /
 * mapreducescript / usereventscript `customscript`, scriptdeployment `customdeploy`,
 * scriptcustomfield `custscript`, savedsearch `customsearch`, entitycustomfield `custentity`.
 */
const PREFIX: Record<string, string> = {
  customrecordtype: 'customrecord',
  customrecordcustomfield: 'custrecord',
  transactionbodycustomfield: 'custbody',
  transactioncolumncustomfield: 'custcol',
  savedcsvimport: 'custimport',
  scheduledscript: 'customscript',
  mapreducescript: 'customscript',
  usereventscript: 'customscript',
  scriptdeployment: 'customdeploy',
  scriptcustomfield: 'custscript',
  entitycustomfield: 'custentity',
};

/**
 * Required elements per object type — SuiteCloud Development Framework XML Reference ›
 * customrecordtype (recordname), customrecordcustomfield / transactionbodycustomfield /
 * transactioncolumncustomfield / scriptcustomfield (fieldtype, label), savedcsvimport (importname,
 * recordtype, datahandling, charencoding, columndelimiter, recordmappings; filemappings names the
 * file the columns come from), scheduledscript / mapreducescript / usereventscript (name,
 * scriptfile), scriptdeployment (status).
 */
const REQUIRED: Record<string, string[]> = {
  customrecordtype: ['recordname'],
  customrecordcustomfield: ['fieldtype', 'label'],
  transactionbodycustomfield: ['fieldtype', 'label'],
  transactioncolumncustomfield: ['fieldtype', 'label'],
  scriptcustomfield: ['fieldtype', 'label'],
  savedcsvimport: ['importname', 'recordtype', 'datahandling', 'charencoding', 'columndelimiter', 'filemappings', 'recordmappings'],
  scheduledscript: ['name', 'scriptfile'],
  mapreducescript: ['name', 'scriptfile'],
  usereventscript: ['name', 'scriptfile'],
  scriptdeployment: ['status'],
  // SDF XML Reference › entitycustomfield: fieldtype, label.
  entitycustomfield: ['fieldtype', 'label'],
};

/**
 * Boolean elements: SDF XML Reference, the "boolean" fields of each object, whose values are `T`
 * or `F` (SuiteCloud Development Framework › "XML Definitions for Custom Objects": booleans are
 * written T/F, not true/false).
 */
const BOOLEAN = new Set([
  // customrecordtype
  'allowattachments', 'allowinlinedeleting', 'allowinlinedetaching', 'allowinlineediting', 'allowmobileaccess', 'allownumberingoverride',
  'allowquickadd', 'allowquicksearch', 'allowuiaccess', 'enabledle', 'enablekeywords', 'enablemailmerge', 'enablenametranslation',
  'enablenumbering', 'enableoptimisticlocking', 'enablesystemnotes', 'hierarchical', 'iconbuiltin', 'includeinsearchmenu', 'includename',
  'isinactive', 'isordered', 'showcreationdate', 'showcreationdateonlist', 'showid', 'showlastmodified', 'showlastmodifiedonlist',
  'shownotes', 'showowner', 'showownerallowchange', 'showowneronlist',
  // custom fields
  'applyformatting', 'checkspelling', 'defaultchecked', 'encryptatrest', 'globalsearch', 'isformula', 'ismandatory', 'isparent',
  'rolerestrict', 'showinlist', 'storevalue', 'bodysale', 'bodyinventoryadjustment', 'colsale', 'appliestocustomer',
  // savedcsvimport
  'ignorereadonly', 'logsystemnotescustfields', 'overwritemissingfields', 'overwritesublists', 'runserversuitescript', 'usemultithread',
  'validatemandatorycustfields', 'allemployees', 'allpartners', 'allroles', 'globaledit', 'ispublic',
  // scripts and deployments
  'notifyadmins', 'notifyowner', 'notifyuser', 'isdeployed', 'alllocalizationcontexts', 'queueallstagesatonce',
]);

/** Enumerated values. SDF XML Reference › the field's list of values (e.g. customrecordcustomfield › fieldtype). */
const ENUMS: Record<string, string[]> = {
  fieldtype: ['CHECKBOX', 'CLOBTEXT', 'CURRENCY', 'DATE', 'DATETIMETZ', 'EMAIL', 'FLOAT', 'INTEGER', 'PERCENT', 'SELECT', 'TEXT', 'TEXTAREA', 'URL'],
  accesslevel: ['0', '1', '2'],
  searchlevel: ['0', '1', '2'],
  displaytype: ['NORMAL', 'HIDDEN', 'INLINE', 'LOCKED', 'DISABLED', 'SHOWASLIST', 'STATICTEXT'],
  accesstype: ['CUSTRECORDENTRYPERM', 'NONENEEDED', 'USEPERMISSIONLIST'],
  datahandling: ['ADD', 'UPDATE', 'ADDUPDATE'],
  charencoding: ['UTF_8', 'WINDOWS_1252', 'ISO_8859_1'],
  columndelimiter: ['COMMA', 'SEMICOLON', 'PIPE', 'TAB', 'SPACE'],
  decimaldelimiter: ['PERIOD', 'COMMA'],
  type: ['NAME', 'INTERNAL_ID', 'EXTERNAL_ID'],
  loglevel: ['DEBUG', 'AUDIT', 'ERROR', 'EMERGENCY'],
};

/**
 * Script type per object. SuiteScript 2.x JSDoc Tags (`@NScriptType`) and SDF XML Reference ›
 * scheduledscript / mapreducescript / usereventscript: the object's script file must be a
 * SuiteScript 2.x file of that type.
 */
const SCRIPT_TYPE: Record<string, string> = { scheduledscript: 'ScheduledScript', mapreducescript: 'MapReduceScript', usereventscript: 'UserEventScript' };

/**
 * Deployment status per script type. SDF XML Reference › scriptdeployment (scheduledscript,
 * mapreducescript: NOTSCHEDULED | SCHEDULED; usereventscript: RELEASED | TESTING).
 */
const STATUS: Record<string, string[]> = {
  scheduledscript: ['NOTSCHEDULED', 'SCHEDULED'],
  mapreducescript: ['NOTSCHEDULED', 'SCHEDULED'],
  usereventscript: ['RELEASED', 'TESTING'],
};

/**
 * Execution contexts of a user event deployment. SDF XML Reference › scriptdeployment
 * (usereventscript) › executioncontext: `|`-separated values of the runtime.ContextType list.
 */
const CONTEXTS = new Set(
  'ACTION ADVANCEDREVREC BANKCONNECTIVITY BANKSTATEMENTPARSER BUNDLEINSTALLATION CLIENT CONSOLRATEADJUSTOR CSVIMPORT CUSTOMGLLINES CUSTOMMASSUPDATE DATASETBUILDER DEBUGGER EMAILCAPTURE FICONNECTIVITY FIPARSER MAPREDUCE OCRPLUGIN OTHER PAYMENTGATEWAY PAYMENTPOSTBACK PLATFORMEXTENSION PORTLET PROMOTIONS RECORDACTION RESTLET RESTWEBSERVICES SCHEDULED SDFINSTALLATION SHIPPINGPARTNERS SUITELET TAXCALCULATION USEREVENT USERINTERFACE WEBSERVICES WORKBOOKBUILDER WORKFLOW'.split(' '),
);

/**
 * Transaction record types of a savedcsvimport: SDF XML Reference › savedcsvimport ›
 * transactionform, "required when recordtype is a transaction" — the form the import applies.
 * The standard forms' ids are STANDARD + the record type (STANDARDSALESORDER,
 * STANDARDINVENTORYADJUSTMENT); a custom form is a `[scriptid=custform_…]` reference.
 */
const TRANSACTION_RECORDS = new Set(['SALESORDER', 'INVENTORYADJUSTMENT', 'TRANSFERORDER', 'PURCHASEORDER', 'ITEMFULFILLMENT', 'INVOICE', 'CUSTOMERDEPOSIT']);

/**
 * Which field objects apply where: SDF XML Reference › transactionbodycustomfield (bodysale = sales
 * transactions incl. sales orders, bodyinventoryadjustment) and › transactioncolumncustomfield
 * (colsale = lines of sales transactions). A custom field mapped in a savedcsvimport must apply to
 * that record (CSV Import Assistant › Field Mapping lists only the fields of the record's form).
 */
const APPLIES: Record<string, { body?: string; column?: string }> = {
  SALESORDER: { body: 'bodysale', column: 'colsale' },
  INVENTORYADJUSTMENT: { body: 'bodyinventoryadjustment' },
  // SDF XML Reference › entitycustomfield › appliestocustomer.
  CUSTOMER: { body: 'appliestocustomer' },
};

/** Entity records: their custom fields are entitycustomfield objects (SDF XML Reference › entitycustomfield). */
const ENTITY_RECORDS = new Set(['CUSTOMER']);

const SCRIPT_ID_RE = /^[a-z0-9_]+$/;
const REF_RE = /\[scriptid=([^\]]+)\]/g;

describe('SDF objects (netsuite/src/Objects)', () => {
  it('parses every object, the manifest and deploy.xml as well-formed XML with a known object type', () => {
    expect(objects.length).toBeGreaterThan(10);
    for (const o of objects) expect(Object.keys(REQUIRED), `${o.file}: <${o.root.name}> has no rules in this test`).toContain(o.root.name);
    expect(manifest.name).toBe('manifest');
    expect(deploy.name).toBe('deploy');
  });

  it('names each object file after its script id, with the type prefix, lower case, at most 40 characters', () => {
    // SuiteCloud Development Framework › "SDF Custom Objects": one object per XML file in
    // Objects/, the file named `{scriptid}.xml`; SDF XML Reference › each object's scriptid
    // (prefix, lower-case letters, digits and underscores; "Custom Object Script IDs": at most 40
    // characters including the prefix).
    for (const o of objects) expect(o.file, o.file).toBe(`${o.root.attrs.scriptid}.xml`);
    for (const o of objects) {
      for (const el of walk(o.root)) {
        const id = el.attrs.scriptid;
        if (id === undefined) continue;
        const where = `${o.file} <${el.name} scriptid="${id}">`;
        expect(PREFIX[el.name], `${where}: unexpected element with a scriptid`).toBeDefined();
        expect(id.startsWith(PREFIX[el.name]), where).toBe(true);
        expect(id, where).toMatch(SCRIPT_ID_RE);
        expect(id.length, where).toBeLessThanOrEqual(40);
      }
    }
    const ids = [...walk({ name: '', attrs: {}, text: '', children: objects.map((o) => o.root) })].map((e) => e.attrs.scriptid).filter(Boolean);
    expect(new Set(ids).size, 'script ids are unique in the project').toBe(ids.length);
  });

  it('gives every object, field, parameter and deployment an id of our own (_oms_)', () => {
    // feeds.md v2, "Objects on the NetSuite side": ids of our own, so the project installs beside
    // another integration (HotWax's custcol_hc_…, custimport_…_hc, customrecord_ns_sftp_…) without
    // touching it. A deploy updates an object with the same script id in place (SDF › "Deploying
    // SDF projects"), so a shared id would replace the other integration's definition.
    for (const id of allScriptIds()) expect(id, id).toMatch(/^(customrecord|custrecord|custbody|custcol|custentity|custimport|customscript|customdeploy|custscript|customsearch)_oms_/);
  });

  it('has the required elements of each object type, T/F booleans and known enumerated values', () => {
    for (const o of objects) {
      for (const el of walk(o.root)) {
        const where = `${o.file} <${el.name}${el.attrs.scriptid ? ` ${el.attrs.scriptid}` : ''}>`;
        for (const req of REQUIRED[el.name] ?? []) {
          expect(child(el, req), `${where}: missing <${req}>`).toBeDefined();
          if (!['filemappings', 'recordmappings'].includes(req)) expect(value(el, req), `${where}: empty <${req}>`).not.toBe('');
        }
        if (BOOLEAN.has(el.name)) expect(el.text.trim(), `${where}`).toMatch(/^[TF]$/);
        if (el.name in ENUMS && el.children.length === 0) expect(ENUMS[el.name], `${where} = ${el.text.trim()}`).toContain(el.text.trim());
      }
    }
  });

  it('custom fields: a label of at most 200 characters, checkbox fields default unchecked, text fields never mandatory', () => {
    // SDF XML Reference › transactioncolumncustomfield / customrecordcustomfield: label (max 200);
    // defaultchecked applies to CHECKBOX fields. Mandatory text fields would make every sales order
    // save (UI, CSV, scripts) fail until the OMS has set them, so none is mandatory.
    for (const o of objects) {
      for (const el of walk(o.root)) {
        if (!['transactionbodycustomfield', 'transactioncolumncustomfield', 'customrecordcustomfield', 'scriptcustomfield', 'entitycustomfield'].includes(el.name)) continue;
        const where = `${o.file} ${el.attrs.scriptid}`;
        expect((value(el, 'label') ?? '').length, where).toBeLessThanOrEqual(200);
        if (value(el, 'fieldtype') === 'CHECKBOX') expect(value(el, 'defaultchecked'), where).toBe('F');
        expect(value(el, 'ismandatory') ?? 'F', where).toBe('F');
      }
    }
    // A transaction field must apply to at least one record type, or it appears nowhere.
    for (const o of [...byType('transactionbodycustomfield'), ...byType('transactioncolumncustomfield')]) {
      const applies = o.root.children.filter((c) => /^(body|col)/.test(c.name) && c.text.trim() === 'T');
      expect(applies.length, o.file).toBeGreaterThan(0);
    }
  });

  it('saved CSV imports: transaction imports name their form; mapped columns come from the declared file; custom fields apply to the record', () => {
    const fields = new Map(objects.map((o) => [o.root.attrs.scriptid, o.root]));
    for (const o of byType('savedcsvimport')) {
      const rec = value(o.root, 'recordtype') ?? '';
      if (TRANSACTION_RECORDS.has(rec)) {
        const form = value(o.root, 'transactionform') ?? '';
        // SDF XML Reference › savedcsvimport › transactionform (required for transactions).
        expect(form, `${o.file}: transactionform`).toMatch(new RegExp(`^(STANDARD${rec}|\\[scriptid=custform_[a-z0-9_]+\\])$`));
      }
      const files = children(child(o.root, 'filemappings')!, 'filemapping').map((f) => value(f, 'file'));
      expect(files.length, o.file).toBeGreaterThan(0);
      const records = children(child(o.root, 'recordmappings')!, 'recordmapping');
      expect(records.length, o.file).toBeGreaterThan(0);
      const columns = new Set<string>();
      for (const r of records) {
        const target = value(r, 'record') ?? '';
        // SDF XML Reference › savedcsvimport › recordmapping › record: the record type, or
        // RECORDTYPE:SUBLIST for its sublists.
        expect(target === rec || target.startsWith(`${rec}:`), `${o.file}: record ${target}`).toBe(true);
        for (const fm of children(child(r, 'fieldmappings')!, 'fieldmapping')) {
          const field = value(fm, 'field') ?? '';
          const ref = child(fm, 'columnreference');
          const where = `${o.file} ${target}.${field}`;
          expect(field, where).toMatch(/^([A-Z][A-Z0-9_]*|\[scriptid=[a-z0-9_]+\])$/);
          // "Defining Record and Field Mappings for Saved CSV Import Maps in XML Definitions": the field
          // element is paired with either a value element (a constant) or a columnreference element.
          const constant = child(fm, 'value');
          expect(Boolean(ref) !== Boolean(constant), `${where}: exactly one of columnreference, value`).toBe(true);
          if (constant) {
            expect(value(fm, 'value') ?? '', `${where}: empty constant`).not.toBe('');
          } else {
            expect(files, `${where}: file`).toContain(value(ref!, 'file'));
            const column = value(ref!, 'column') ?? '';
            expect(column, where).not.toBe('');
            // One column feeds one field of a record mapping; a column name is unique in the file.
            expect(columns.has(`${target}\0${column}`), `${where}: column ${column} mapped twice`).toBe(false);
            columns.add(`${target}\0${column}`);
          }
          const custom = /^\[scriptid=([a-z0-9_]+)\]$/.exec(field);
          if (custom) {
            const def = fields.get(custom[1]);
            expect(def, `${where}: no such object`).toBeDefined();
            const sublist = target.includes(':');
            expect(def!.name, where).toBe(ENTITY_RECORDS.has(rec) ? 'entitycustomfield' : sublist ? 'transactioncolumncustomfield' : 'transactionbodycustomfield');
            const flag = APPLIES[rec]?.[sublist ? 'column' : 'body'];
            expect(flag, `${where}: no applies-to flag known for ${rec}`).toBeDefined();
            expect(value(def!, flag!), `${where}: ${custom[1]} does not apply to ${rec} (${flag})`).toBe('T');
          }
          // SDF XML Reference › savedcsvimport › fieldmapping: field, columnreference (column,
          // file, type) and an optional default value; nothing else.
          for (const c of fm.children) expect(['field', 'columnreference', 'value'], `${where}: <${c.name}>`).toContain(c.name);
        }
      }
    }
  });

  it('scripts: each script file exists after the build, is deployed by deploy.xml and has the object\'s @NScriptType', () => {
    // SDF XML Reference › scheduledscript etc. › scriptfile: a File Cabinet path in brackets,
    // `[/SuiteScripts/…]`; deploy.xml › files › path (SDF › "Deploy File"): `~/FileCabinet/…`
    // paths, `*` for the files of a folder; the file must be deployed with (or before) the object.
    const filePaths = children(child(deploy, 'files')!, 'path').map((p) => p.text.trim());
    for (const type of Object.keys(SCRIPT_TYPE)) {
      for (const o of byType(type)) {
        const ref = value(o.root, 'scriptfile') ?? '';
        const m = /^\[\/SuiteScripts\/OMS\/([A-Za-z0-9_]+\.js)\]$/.exec(ref);
        expect(m, `${o.file}: scriptfile ${ref}`).not.toBeNull();
        const js = m![1];
        expect(existsSync(join(out, js)), `${o.file}: ${js} emitted`).toBe(true);
        const cabinet = `~/FileCabinet/SuiteScripts/OMS/${js}`;
        expect(filePaths.some((p) => p === cabinet || (p.endsWith('/*') && cabinet.startsWith(p.slice(0, -1)) && !cabinet.slice(p.length - 1).includes('/'))), `${o.file}: ${cabinet} in deploy.xml`).toBe(true);
        // SuiteScript 2.x JSDoc Tags: @NApiVersion 2.1 and @NScriptType in the file's first comment.
        const head = /^\/\*\*[^]*?\*\//.exec(readFileSync(join(TS_DIR, js.replace(/\.js$/, '.ts')), 'utf8'))?.[0] ?? '';
        expect(head, js).toMatch(/@NApiVersion 2\.1\b/);
        expect(head.match(/@NScriptType (\w+)/)?.[1], js).toBe(SCRIPT_TYPE[type]);
        // The script record's name is the seeds' file name (feeds.md v2).
        expect(value(o.root, 'name'), o.file).toBe(js.replace(/\.js$/, ''));
      }
    }
    // deploy.xml › objects › path: every object file is deployed.
    const objectPaths = children(child(deploy, 'objects')!, 'path').map((p) => p.text.trim());
    for (const o of objects) expect(objectPaths.some((p) => p === `~/Objects/${o.file}` || p === '~/Objects/*'), o.file).toBe(true);
    for (const p of [...filePaths, ...objectPaths]) expect(p, 'deploy.xml paths start with ~/').toMatch(/^~\/(FileCabinet|Objects)\//);
  });

  it('deployments: a status of the script type, a recurrence exactly when SCHEDULED, a record type and known contexts for user events', () => {
    for (const type of Object.keys(SCRIPT_TYPE)) {
      for (const o of byType(type)) {
        const deployments = children(child(o.root, 'scriptdeployments') ?? { name: '', attrs: {}, children: [], text: '' }, 'scriptdeployment');
        expect(deployments.length, `${o.file}: at least one deployment`).toBeGreaterThan(0);
        for (const d of deployments) {
          const where = `${o.file} ${d.attrs.scriptid}`;
          const status = value(d, 'status') ?? '';
          // SDF XML Reference › scriptdeployment › status.
          expect(STATUS[type], `${where}: status ${status}`).toContain(status);
          const recurrence = child(d, 'recurrence');
          // SDF XML Reference › scriptdeployment › recurrence: the schedule of a SCHEDULED
          // deployment (daily: startdate YYYY-MM-DD, starttime HH:MM:SSZ, repeat as an ISO 8601
          // duration of 15 or 30 minutes or 1, 2, 4, 6, 8 or 12 hours).
          if (type !== 'usereventscript') expect(!!recurrence, `${where}: recurrence iff SCHEDULED`).toBe(status === 'SCHEDULED');
          if (recurrence) {
            const daily = child(recurrence, 'daily');
            expect(daily, where).toBeDefined();
            expect(value(daily!, 'startdate'), where).toMatch(/^\d{4}-\d{2}-\d{2}$/);
            expect(value(daily!, 'starttime'), where).toMatch(/^([01]\d|2[0-3]):[0-5]\d:00Z$/);
            expect(['PT15M', 'PT30M', 'PT1H', 'PT2H', 'PT4H', 'PT6H', 'PT8H', 'PT12H'], where).toContain(value(daily!, 'repeat'));
            expect(Number(value(daily!, 'everyxdays')), where).toBeGreaterThanOrEqual(1);
          }
          if (type === 'usereventscript') {
            // SDF XML Reference › scriptdeployment (usereventscript) › recordtype (required).
            expect(value(d, 'recordtype'), where).toMatch(/^[A-Z]+$/);
            for (const c of (value(d, 'executioncontext') ?? '').split('|')) expect(CONTEXTS.has(c), `${where}: context ${c}`).toBe(true);
          }
          if (type === 'mapreducescript') {
            // SDF XML Reference › scriptdeployment (mapreducescript): concurrencylimit 1–5 without
            // SuiteCloud Plus, buffersize 1–64 (a power of two), yieldaftermins ≥ 3.
            expect(Number(value(d, 'concurrencylimit')), where).toBeGreaterThanOrEqual(1);
            expect(Number(value(d, 'concurrencylimit')), where).toBeLessThanOrEqual(5);
            expect([1, 2, 4, 8, 16, 32, 64], where).toContain(Number(value(d, 'buffersize')));
            expect(Number(value(d, 'yieldaftermins')), where).toBeGreaterThanOrEqual(3);
          }
        }
      }
    }
  });

  it('resolves every [scriptid=…] reference to an object of the project', () => {
    // SuiteCloud Development Framework › "Object references": `[scriptid=…]` names an object by
    // its script id; SDF validation fails when it is neither in the project nor in the account.
    // This project must install on an account that has none of them yet, so all must be local.
    const ids = allScriptIds();
    for (const o of objects) {
      for (const el of walk(o.root)) {
        for (const m of el.text.matchAll(REF_RE)) expect(ids.has(m[1]), `${o.file} <${el.name}> ${m[0]}`).toBe(true);
      }
    }
  });
});

describe('manifest.xml', () => {
  it('is an account customization project with its name and framework version', () => {
    // SuiteCloud Development Framework › "Manifest": projecttype ACCOUNTCUSTOMIZATION, projectname,
    // frameworkversion 1.0.
    expect(manifest.attrs.projecttype).toBe('ACCOUNTCUSTOMIZATION');
    expect(value(manifest, 'projectname')).not.toBe('');
    expect(value(manifest, 'frameworkversion')).toBe('1.0');
  });

  it('requires every feature the objects use', () => {
    // SuiteCloud Development Framework › "Manifest" › dependencies › features: a feature the
    // project's objects need is listed with required="true", or deploying onto an account without
    // it fails half way. The features per use: Enable Features (Setup › Company): SuiteCloud ›
    // Server SuiteScript (SERVERSIDESCRIPTING, needs Client SuiteScript: CUSTOMCODE), Custom
    // Records (CUSTOMRECORDS); Transactions › Sales Orders (SALESORDERS); Items & Inventory ›
    // Inventory (INVENTORY), Multi-Location Inventory (MULTILOCINVT, line locations);
    // Company › Locations (LOCATIONS); OneWorld subsidiaries (SUBSIDIARIES).
    const features = children(child(child(manifest, 'dependencies')!, 'features')!, 'feature');
    const required = new Set(features.filter((f) => f.attrs.required === 'true').map((f) => f.text.trim()));
    const listed = features.map((f) => f.text.trim());
    expect(new Set(listed).size, 'features listed once').toBe(listed.length);
    for (const f of features) expect(['true', 'false']).toContain(f.attrs.required);

    const needed = new Map<string, string>();
    const need = (feature: string, why: string) => needed.set(feature, needed.get(feature) ?? why);
    for (const o of objects) {
      const t = o.root.name;
      if (t in SCRIPT_TYPE) {
        need('SERVERSIDESCRIPTING', o.file);
        need('CUSTOMCODE', o.file);
      }
      if (t === 'customrecordtype') need('CUSTOMRECORDS', o.file);
      if (t === 'usereventscript') {
        for (const d of [...walk(o.root)].filter((e) => e.name === 'scriptdeployment')) if (value(d, 'recordtype') === 'SALESORDER') need('SALESORDERS', o.file);
      }
      if (t === 'savedcsvimport') {
        const rec = value(o.root, 'recordtype');
        if (rec === 'SALESORDER') need('SALESORDERS', o.file);
        if (rec === 'INVENTORYADJUSTMENT') need('INVENTORY', o.file);
        for (const r of children(child(o.root, 'recordmappings')!, 'recordmapping')) {
          for (const fm of children(child(r, 'fieldmappings')!, 'fieldmapping')) {
            const field = value(fm, 'field');
            if (field === 'LOCATION' || field === 'ADJLOCATION') need('LOCATIONS', `${o.file} ${field}`);
            if (field === 'LOCATION' && (value(r, 'record') ?? '').includes(':')) need('MULTILOCINVT', `${o.file} line LOCATION`);
            if (field === 'SUBSIDIARY') need('SUBSIDIARIES', `${o.file} SUBSIDIARY`);
          }
        }
      }
      if (t === 'transactioncolumncustomfield' && value(o.root, 'colsale') === 'T') need('SALESORDERS', o.file);
    }
    for (const [feature, why] of needed) expect(required.has(feature), `manifest lacks required ${feature} (used by ${why})`).toBe(true);
    // And nothing is required that no object uses (an account without it could not install us).
    for (const f of required) expect(needed.has(f), `${f} is required but no object uses it`).toBe(true);
  });
});
