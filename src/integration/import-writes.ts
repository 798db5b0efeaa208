import type { EntityManager } from 'typeorm';
import type { SheetValues } from '../catalogue/training-sheet';
import type { SessionRow } from './import-plan';

/*
 * The import's writes, one statement per kind whatever the number of items: rows travel as one
 * jsonb parameter unpacked by jsonb_to_recordset (arrays of arrays do not fit unnest, and a
 * multi-row VALUES would need a parameter per value). Callers hold the partner's import lock.
 */

/** Every sheet column, with its type in the record and, for enums, the enum type's suffix (`<table>_<suffix>`). */
const SHEET_COLUMNS: Record<keyof SheetValues, { column: string; type: string; enumSuffix?: string }> = {
  externalRef: { column: 'external_ref', type: 'text' },
  title: { column: 'title', type: 'text' },
  summary: { column: 'summary', type: 'text' },
  objectives: { column: 'objectives', type: 'text[]' },
  content: { column: 'content', type: 'text' },
  prerequisites: { column: 'prerequisites', type: 'text' },
  audience: { column: 'audience', type: 'text' },
  audiencePartnerIds: { column: 'audience_partner_ids', type: 'uuid[]' },
  audienceCategories: { column: 'audience_categories', type: 'text[]', enumSuffix: 'audience_categories_enum[]' },
  audienceFunctions: { column: 'audience_functions', type: 'text[]' },
  targetJobs: { column: 'target_jobs', type: 'text[]' },
  modality: { column: 'modality', type: 'text', enumSuffix: 'modality_enum' },
  durationMinutes: { column: 'duration_minutes', type: 'int' },
  certifying: { column: 'certifying', type: 'boolean' },
  keywords: { column: 'keywords', type: 'text[]' },
  licenceId: { column: 'licence_id', type: 'uuid' },
  collectionId: { column: 'collection_id', type: 'uuid' },
  coFunderIds: { column: 'co_funder_ids', type: 'uuid[]' },
};
const SHEET = Object.entries(SHEET_COLUMNS) as [keyof SheetValues, (typeof SHEET_COLUMNS)[keyof SheetValues]][];

const sheetRecord = (sheet: SheetValues): Record<string, unknown> => Object.fromEntries(SHEET.map(([field, { column }]) => [column, sheet[field]]));
const sheetDefinition = SHEET.map(([, { column, type }]) => `${column} ${type}`).join(', ');
const sheetValue = (table: string, column: string, enumSuffix?: string) => (enumSuffix ? `r.${column}::${table}_${enumSuffix}` : `r.${column}`);
const sheetColumns = SHEET.map(([, { column }]) => column).join(', ');
const sheetValues = (table: string) => SHEET.map(([, { column, enumSuffix }]) => sheetValue(table, column, enumSuffix)).join(', ');
const sheetAssignments = (table: string) => SHEET.map(([, { column, enumSuffix }]) => `${column} = ${sheetValue(table, column, enumSuffix)}`).join(', ');

/** New trainings, submitted to the committees at once; their ids by external reference. */
export async function insertTrainings(manager: EntityManager, partnerId: string, rows: { slug: string; sheet: SheetValues }[]): Promise<Map<string, string>> {
  if (rows.length === 0) return new Map();
  const inserted: { id: string; external_ref: string }[] = await manager.query(
    `INSERT INTO training (slug, partner_id, status, submission, submitted_at, ${sheetColumns})
     SELECT r.slug, $2, 'SUBMITTED', 1, now(), ${sheetValues('training')}
     FROM jsonb_to_recordset($1::jsonb) AS r(slug text, ${sheetDefinition})
     RETURNING id, external_ref`,
    [JSON.stringify(rows.map(row => ({ slug: row.slug, ...sheetRecord(row.sheet) }))), partnerId],
  );
  return new Map(inserted.map(row => [row.external_ref, row.id]));
}

/** Drafts and trainings sent back, edited in place and resubmitted (a new submission: earlier reviews no longer count). */
export async function editTrainings(manager: EntityManager, rows: { id: string; slug: string | null; sheet: SheetValues }[]): Promise<void> {
  if (rows.length === 0) return;
  await manager.query(
    `UPDATE training t SET ${sheetAssignments('training')}, slug = coalesce(r.slug, t.slug), status = 'SUBMITTED',
       submission = t.submission + 1, submitted_at = now(), updated_at = now()
     FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, slug text, ${sheetDefinition})
     WHERE t.id = r.id`,
    [JSON.stringify(rows.map(row => ({ id: row.id, slug: row.slug, ...sheetRecord(row.sheet) })))],
  );
}

/**
 * Published trainings: the changes go to a submitted pending revision (a new one, or the open one
 * rewritten), the live version untouched; the training counts a new submission.
 */
export async function reviseTrainings(
  manager: EntityManager,
  created: { trainingId: string; sheet: SheetValues }[],
  rewritten: { id: string; trainingId: string; sheet: SheetValues }[],
): Promise<void> {
  if (created.length > 0) {
    await manager.query(
      `INSERT INTO training_revision (training_id, status, submitted_at, ${sheetColumns})
       SELECT r.training_id, 'SUBMITTED', now(), ${sheetValues('training_revision')}
       FROM jsonb_to_recordset($1::jsonb) AS r(training_id uuid, ${sheetDefinition})`,
      [JSON.stringify(created.map(row => ({ training_id: row.trainingId, ...sheetRecord(row.sheet) })))],
    );
  }
  if (rewritten.length > 0) {
    await manager.query(
      `UPDATE training_revision v SET ${sheetAssignments('training_revision')}, status = 'SUBMITTED', submitted_at = now(), updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, ${sheetDefinition})
       WHERE v.id = r.id`,
      [JSON.stringify(rewritten.map(row => ({ id: row.id, ...sheetRecord(row.sheet) })))],
    );
  }
  const trainingIds = [...created, ...rewritten].map(row => row.trainingId);
  if (trainingIds.length > 0) {
    await manager.query(`UPDATE training SET submission = submission + 1, submitted_at = now() WHERE id = ANY($1::uuid[])`, [trainingIds]);
  }
}

const sessionRecord = (row: SessionRow) => ({
  id: row.id,
  external_ref: row.externalRef,
  starts_at: row.startsAt.toISOString(),
  ends_at: row.endsAt.toISOString(),
  enrolment_opens_at: row.enrolmentOpensAt.toISOString(),
  enrolment_closes_at: row.enrolmentClosesAt.toISOString(),
  capacity: row.capacity,
  location: row.location,
});
const SESSION_DEFINITION =
  'external_ref text, starts_at timestamptz, ends_at timestamptz, enrolment_opens_at timestamptz, enrolment_closes_at timestamptz, capacity int, location text';

/** New sessions; their ids, with their training and reference. */
export async function insertSessions(manager: EntityManager, rows: (SessionRow & { trainingId: string })[]): Promise<{ id: string; trainingId: string }[]> {
  if (rows.length === 0) return [];
  const inserted: { id: string; training_id: string }[] = await manager.query(
    `INSERT INTO training_session (training_id, external_ref, starts_at, ends_at, enrolment_opens_at, enrolment_closes_at, capacity, location)
     SELECT r.training_id, r.external_ref, r.starts_at, r.ends_at, r.enrolment_opens_at, r.enrolment_closes_at, r.capacity, r.location
     FROM jsonb_to_recordset($1::jsonb) AS r(training_id uuid, ${SESSION_DEFINITION})
     RETURNING id, training_id`,
    [JSON.stringify(rows.map(row => ({ ...sessionRecord(row), training_id: row.trainingId })))],
  );
  return inserted.map(row => ({ id: row.id, trainingId: row.training_id }));
}

/** Sessions changed in place (their rows locked since they were read; the seats CHECK stands behind). */
export async function updateSessions(manager: EntityManager, rows: SessionRow[]): Promise<void> {
  if (rows.length === 0) return;
  await manager.query(
    `UPDATE training_session s SET starts_at = r.starts_at, ends_at = r.ends_at, enrolment_opens_at = r.enrolment_opens_at,
       enrolment_closes_at = r.enrolment_closes_at, capacity = r.capacity, location = r.location, updated_at = now()
     FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, ${SESSION_DEFINITION})
     WHERE s.id = r.id`,
    [JSON.stringify(rows.map(sessionRecord))],
  );
}

/**
 * Under the identifiers lock: the slugs taken among those the new trainings may get (`base`,
 * `base-N`), and the references of the partner that appeared since the import read its trainings
 * (a createTraining that committed in between).
 */
export async function takenIdentifiers(
  manager: EntityManager,
  partnerId: string,
  slugs: string[],
  refs: string[],
): Promise<{ slugs: Set<string>; refs: Set<string> }> {
  const rows: { slug: string; external_ref: string | null; partner_id: string }[] = await manager.query(
    `SELECT slug, external_ref, partner_id FROM training
     WHERE slug = ANY($1::text[]) OR regexp_replace(slug, '-[0-9]+$', '') = ANY($1::text[])
        OR (partner_id = $2 AND external_ref = ANY($3::text[]))`,
    [slugs, partnerId, refs],
  );
  return {
    slugs: new Set(rows.map(row => row.slug)),
    refs: new Set(rows.filter(row => row.partner_id === partnerId && row.external_ref !== null && refs.includes(row.external_ref)).map(row => row.external_ref!)),
  };
}
