import { AudienceRuleInput } from '../catalogue/training.inputs';
import { ImportSessionInput, TrainingImportInput } from './import.inputs';

/*
 * Import files for the CLI: JSON (the GraphQL items, dates as ISO 8601 strings) or CSV (one line
 * per session, for partners who keep spreadsheets). Both become the inputs importTrainings takes;
 * the service validates them as it validates an API call.
 */

/** A file that cannot be read as items at all (syntax, unknown column): the import does not start. */
export class ImportFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportFileError';
  }
}

const TRAINING_FIELDS = [
  'externalRef', 'slug', 'title', 'summary', 'objectives', 'collection', 'licence', 'modality', 'durationMinutes', 'certifying',
  'keywords', 'targetJobs', 'content', 'prerequisites', 'audience', 'audienceRule', 'coFunders', 'sessions',
];
const SESSION_FIELDS = ['externalRef', 'startsAt', 'endsAt', 'enrolmentOpensAt', 'enrolmentClosesAt', 'capacity', 'location'];
const DATE_FIELDS = ['startsAt', 'endsAt', 'enrolmentOpensAt', 'enrolmentClosesAt'];

function checkKeys(value: Record<string, unknown>, allowed: string[], where: string): void {
  const unknown = Object.keys(value).filter(key => !allowed.includes(key));
  if (unknown.length > 0) throw new ImportFileError(`${where} : champ inconnu ${unknown.join(', ')} (attendus : ${allowed.join(', ')}).`);
}

/** A date string as GraphQL's DateTime takes it; anything else an invalid Date, refused by validation naming the field. */
const toDate = (value: unknown) => (value == null || value === '' ? null : new Date(typeof value === 'string' || typeof value === 'number' ? value : NaN));

/** One item in the GraphQL shape, as the class instances class-validator checks. */
export function toImportInput(raw: Record<string, unknown>, where: string): TrainingImportInput {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ImportFileError(`${where} : un objet est attendu.`);
  checkKeys(raw, TRAINING_FIELDS, where);
  const { audienceRule, sessions, ...fields } = raw;
  const item = Object.assign(new TrainingImportInput(), fields);
  if (audienceRule != null) item.audienceRule = Object.assign(new AudienceRuleInput(), audienceRule);
  if (sessions != null) {
    if (!Array.isArray(sessions)) throw new ImportFileError(`${where} : sessions est une liste.`);
    item.sessions = sessions.map((session: Record<string, unknown>, index) => {
      checkKeys(session, SESSION_FIELDS, `${where}, session ${index}`);
      const dates = Object.fromEntries(DATE_FIELDS.filter(field => field in session).map(field => [field, toDate(session[field])]));
      return Object.assign(new ImportSessionInput(), session, dates);
    });
  }
  return item;
}

export function parseJsonFile(text: string): TrainingImportInput[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ImportFileError(`JSON illisible : ${(error as Error).message}`);
  }
  const items = Array.isArray(parsed) ? parsed : (parsed as { items?: unknown })?.items;
  if (!Array.isArray(items)) throw new ImportFileError('Le fichier JSON contient une liste de formations, ou { "items": [...] }.');
  return items.map((item, index) => toImportInput(item, `formation ${index}`));
}

/** RFC 4180 fields: quotes around fields holding the separator, quotes or line breaks; "" for a quote. */
export function parseCsv(text: string, separator: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') (field += '"'), (i += 1);
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === separator) row.push(field), (field = '');
    else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field), rows.push(row), (row = []), (field = '');
    } else field += char;
  }
  if (field !== '' || row.length > 0) row.push(field), rows.push(row);
  return rows.filter(cells => cells.some(cell => cell.trim() !== ''));
}

/** The CSV columns (README, "Bulk import"): training columns repeated on each of its sessions' lines. */
export const CSV_TRAINING_COLUMNS = [
  'externalRef', 'slug', 'title', 'summary', 'objectives', 'collection', 'licence', 'modality', 'durationMinutes', 'certifying', 'keywords',
  'targetJobs', 'content', 'prerequisites', 'audience', 'audiencePartners', 'audienceCategories', 'audienceFunctions', 'coFunders',
] as const;
export const CSV_SESSION_COLUMNS = ['sessionRef', 'startsAt', 'endsAt', 'enrolmentOpensAt', 'enrolmentClosesAt', 'capacity', 'location'] as const;
const LIST_COLUMNS = new Set(['objectives', 'keywords', 'targetJobs', 'audiencePartners', 'audienceCategories', 'audienceFunctions', 'coFunders']);
/** Values of a list column, e.g. "Comprendre | Appliquer". */
const LIST_SEPARATOR = '|';

function cell(column: string, value: string, where: string): unknown {
  const text = value.trim();
  if (text === '') return undefined;
  if (LIST_COLUMNS.has(column)) return text.split(LIST_SEPARATOR).map(part => part.trim()).filter(Boolean);
  if (column === 'durationMinutes' || column === 'capacity') {
    if (!/^\d+$/.test(text)) throw new ImportFileError(`${where}, colonne ${column} : un nombre entier est attendu (« ${text} »).`);
    return Number(text);
  }
  if (column === 'certifying') {
    if (!/^(oui|non|true|false|1|0)$/i.test(text)) throw new ImportFileError(`${where}, colonne certifying : oui ou non (« ${text} »).`);
    return /^(oui|true|1)$/i.test(text);
  }
  return text;
}

/** One training per externalRef, its columns taken from its first line; each line with a sessionRef adds a session. */
export function parseCsvFile(text: string): TrainingImportInput[] {
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0];
  const separator = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  const [header, ...lines] = parseCsv(text.replace(/^\uFEFF/, ''), separator);
  if (!header) throw new ImportFileError('Fichier CSV vide.');
  const columns = header.map(name => name.trim());
  const known: readonly string[] = [...CSV_TRAINING_COLUMNS, ...CSV_SESSION_COLUMNS];
  const unknown = columns.filter(name => !known.includes(name));
  if (unknown.length > 0) throw new ImportFileError(`Colonne inconnue : ${unknown.join(', ')} (attendues : ${known.join(', ')}).`);
  if (!columns.includes('externalRef')) throw new ImportFileError('La colonne externalRef est obligatoire.');
  const items = new Map<string, Record<string, unknown>>();
  lines.forEach((cells, index) => {
    const where = `ligne ${index + 2}`;
    const values = Object.fromEntries(columns.map((column, position) => [column, cell(column, cells[position] ?? '', where)]));
    const ref = values.externalRef as string | undefined;
    if (!ref) throw new ImportFileError(`${where} : externalRef est vide.`);
    if (!items.has(ref)) {
      const training: Record<string, unknown> = { sessions: [] };
      for (const column of CSV_TRAINING_COLUMNS) if (values[column] !== undefined && !column.startsWith('audience') ) training[column] = values[column];
      if (values.audience !== undefined) training.audience = values.audience;
      const rule = { partners: values.audiencePartners, categories: values.audienceCategories, functions: values.audienceFunctions };
      if (Object.values(rule).some(value => value !== undefined)) training.audienceRule = rule;
      items.set(ref, training);
    }
    if (values.sessionRef === undefined) return;
    const session: Record<string, unknown> = { externalRef: values.sessionRef };
    for (const column of CSV_SESSION_COLUMNS.slice(1)) if (values[column] !== undefined) session[column] = values[column];
    (items.get(ref)!.sessions as unknown[]).push(session);
  });
  return [...items.values()].map((item, index) => toImportInput(item, `formation ${index}`));
}
