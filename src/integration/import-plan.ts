import { TrainingStatus } from '../catalogue/catalogue.enums';
import { checkCapacity, checkSchedule, newSessionSchedule, type Schedule } from '../catalogue/session.service';
import type { TrainingSession } from '../catalogue/training-session.entity';
import { sheetOf, SHEET_FIELDS, type SheetValues } from '../catalogue/training-sheet';
import type { Training } from '../catalogue/training.entity';
import { DomainError, InvalidInput } from '../graphql/errors';
import { validateInput } from '../graphql/validation';
import type { TrainingRevision } from '../review/training-revision.entity';
import { REQUIRED_SESSION_FIELDS, REQUIRED_TRAINING_FIELDS, type ImportSessionInput, type TrainingImportInput } from './import.inputs';
import { ImportStatus } from './import.types';

/*
 * What an import would do with each item, decided in memory from the rows read in a few batched
 * statements: the writes then follow the plan (import-writes.ts), whatever the number of items.
 */

/** Slugs and codes of the reference data, resolved once per call. */
export interface References {
  collections: Map<string, string>;
  licences: Map<string, string>;
  partners: Map<string, string>;
}

/** The partner's rows the items name, read (and, unless dry, locked) in one statement each. */
export interface Held {
  trainings: Map<string, Training>;
  /** Open revisions of the published ones, by training id. */
  revisions: Map<string, TrainingRevision>;
  /** Sessions by training id, then by their external reference. */
  sessions: Map<string, Map<string, TrainingSession>>;
}

export interface SessionRow extends Schedule {
  /** Set for an update. */
  id: string | null;
  externalRef: string;
  capacity: number | null;
  location: string | null;
  /** Added seats for agents waiting: promote them, as updateSession does. */
  promote: boolean;
  /** Dates or place changed for agents enrolled: tell them, as updateSession does. */
  notify: boolean;
}

export type SheetAction = 'create' | 'edit' | 'revise';

export interface ItemPlan {
  index: number;
  externalRef: string;
  status: ImportStatus;
  errors: DomainError[];
  training: Training | null;
  sheet: SheetValues | null;
  /** The slug asked for (create, or a draft's change); a new training without one gets one from its title. */
  slug: string | null;
  sheetAction: SheetAction | null;
  /** The open revision a published training's changes go to (updated), or null (a new one). */
  revision: TrainingRevision | null;
  sessions: SessionRow[];
}

const path = (index: number, ...rest: (string | number)[]) => ['items', String(index), ...rest.map(String)];
const trimmed = (values: string[] | null | undefined) => [...new Set((values ?? []).map(value => value.trim()).filter(Boolean))];
const failuresOf = (error: unknown): DomainError[] => {
  if (error instanceof InvalidInput) return error.failures;
  if (error instanceof DomainError) return [error];
  throw error;
};

/** Whether the error names this field or one inside it. */
const within = (error: DomainError, at: string[]) => at.every((part, position) => error.field?.[position] === part);
/**
 * A later check leaves a field already refused alone: its value may not be what it claims (a
 * title that is not a string, a capacity below 1), and its error is reported already.
 */
const refusedAt = (errors: DomainError[], at: string[]) => errors.some(error => within(error, at));

/** An item as checked on its own, before anything the partner holds is read. */
export interface CheckedItem {
  /** Every error found: format, then references. */
  errors: DomainError[];
  /** Its reference, trimmed; null when missing or refused: it cannot be matched with what the partner holds. */
  externalRef: string | null;
  /** The whole sheet; null when a field of it (sessions aside) is refused, since it cannot then be compared. */
  sheet: SheetValues | null;
}

/** The item's own rules (class-validator, required fields, unique session references): no database. */
async function formatErrors(item: TrainingImportInput, index: number): Promise<DomainError[]> {
  const missing = (fields: readonly string[], value: object, at: (string | number)[]) =>
    fields
      .filter(field => (value as Record<string, unknown>)[field] == null)
      .map(field => new DomainError('VALIDATION', `Le champ ${field} est obligatoire.`, path(index, ...at, field)));
  const errors = [
    ...missing(REQUIRED_TRAINING_FIELDS, item, []),
    ...(item.sessions ?? []).flatMap((session, position) => missing(REQUIRED_SESSION_FIELDS, session, ['sessions', position])),
  ];
  // validateInput throws every failing field at once; a field already said missing is not said again.
  const missingFields = new Set(errors.map(error => String(error.field)));
  await validateInput(item, path(index)).catch(error => errors.push(...failuresOf(error).filter(failure => !missingFields.has(String(failure.field)))));
  const seen = new Set<string>();
  (item.sessions ?? []).forEach((session, position) => {
    if (refusedAt(errors, path(index, 'sessions', position, 'externalRef'))) return;
    const ref = session.externalRef.trim();
    if (seen.has(ref)) errors.push(new DomainError('VALIDATION', `Deux sessions portent la référence « ${ref} ».`, path(index, 'sessions', position, 'externalRef')));
    seen.add(ref);
  });
  return errors;
}

type ReferenceIds = Pick<SheetValues, 'audiencePartnerIds' | 'licenceId' | 'collectionId' | 'coFunderIds'>;

/** The ids of the reference data the item names, each one unknown an error at its field; fields already refused are not looked up. */
function referenceIdsOf(item: TrainingImportInput, index: number, references: References, refused: DomainError[]): { ids: ReferenceIds; errors: DomainError[] } {
  const errors: DomainError[] = [];
  const lookedUp = (value: unknown, field: (string | number)[]) => value != null && !refusedAt(refused, path(index, ...field));
  const idOf = (table: Map<string, string>, key: string | null | undefined, what: string, field: (string | number)[]) => {
    if (!lookedUp(key, field)) return '';
    const id = table.get(key!);
    if (!id) errors.push(new DomainError('NOT_FOUND', `${what} inconnu(e) : ${key}.`, path(index, ...field)));
    return id ?? '';
  };
  const partnerIds = (slugs: string[] | null | undefined, field: (string | number)[]) =>
    lookedUp(slugs, field) ? trimmed(slugs).map(slug => idOf(references.partners, slug, 'Partenaire', field)) : [];
  const ids: ReferenceIds = {
    audiencePartnerIds: partnerIds(item.audienceRule?.partners, ['audienceRule', 'partners']),
    licenceId: idOf(references.licences, item.licence, 'Licence', ['licence']),
    collectionId: idOf(references.collections, item.collection, 'Collection', ['collection']),
    coFunderIds: partnerIds(item.coFunders, ['coFunders']),
  };
  return { ids, errors };
}

/** The whole sheet an item describes, as columns: absent optional fields are their defaults. */
function sheetOfItem(item: TrainingImportInput, ids: ReferenceIds): SheetValues {
  const rule = item.audienceRule;
  return {
    externalRef: item.externalRef.trim(),
    title: item.title.trim(),
    summary: item.summary.trim(),
    objectives: trimmed(item.objectives),
    content: item.content?.trim() || null,
    prerequisites: item.prerequisites?.trim() || null,
    audience: item.audience?.trim() || null,
    audiencePartnerIds: ids.audiencePartnerIds,
    audienceCategories: [...new Set(rule?.categories ?? [])],
    // Compared with agents' functions, which profiles keep lower-cased.
    audienceFunctions: trimmed(rule?.functions).map(entry => entry.toLowerCase()),
    targetJobs: trimmed(item.targetJobs),
    modality: item.modality,
    durationMinutes: item.durationMinutes ?? null,
    certifying: item.certifying ?? false,
    keywords: trimmed(item.keywords),
    licenceId: ids.licenceId,
    collectionId: ids.collectionId,
    coFunderIds: ids.coFunderIds,
  };
}

/**
 * Every rule an item can be held to on its own (format, then the reference data it names), each
 * check running on whatever the earlier ones did not refuse, so that one report names every
 * field at fault.
 */
export async function checkItem(item: TrainingImportInput, index: number, references: References): Promise<CheckedItem> {
  const format = await formatErrors(item, index);
  const { ids, errors: unknown } = referenceIdsOf(item, index, references, format);
  const errors = [...format, ...unknown];
  const sheetRefused = errors.some(error => !within(error, path(index, 'sessions')));
  return {
    errors,
    externalRef: refusedAt(errors, path(index, 'externalRef')) ? null : item.externalRef.trim(),
    sheet: sheetRefused ? null : sheetOfItem(item, ids),
  };
}

const sameSheet = (a: SheetValues, b: SheetValues) => SHEET_FIELDS.every(field => JSON.stringify(a[field]) === JSON.stringify(b[field]));
const sameTime = (a: Date, b: Date) => a.getTime() === b.getTime();

/** A session as the item says it, against the one held (if any): what to write, or why not. */
function planSession(input: ImportSessionInput, held: TrainingSession | undefined, at: string[]): SessionRow | null {
  const capacity = input.capacity ?? null;
  const location = input.location?.trim() || null;
  const externalRef = input.externalRef.trim();
  if (!held) return { ...newSessionSchedule(input, at), id: null, externalRef, capacity, location, promote: false, notify: false };
  // The whole session: enrolment closes when it starts unless said otherwise; an opening already set stays (it was "now" once).
  const schedule: Schedule = {
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    enrolmentOpensAt: input.enrolmentOpensAt ?? held.enrolmentOpensAt,
    enrolmentClosesAt: input.enrolmentClosesAt ?? input.startsAt,
  };
  const moved = !sameTime(schedule.startsAt, held.startsAt) || !sameTime(schedule.endsAt, held.endsAt);
  const same =
    !moved &&
    sameTime(schedule.enrolmentOpensAt, held.enrolmentOpensAt) &&
    sameTime(schedule.enrolmentClosesAt, held.enrolmentClosesAt) &&
    capacity === held.capacity &&
    location === held.location;
  if (same) return null;
  if (held.cancelled) throw new DomainError('INVALID_TRANSITION', 'Session annulée : elle ne change plus.', at);
  checkSchedule(schedule, at);
  checkCapacity(capacity, held.seatsTaken, at);
  const gainsSeats = capacity === null ? held.capacity !== null : held.capacity !== null && capacity > held.capacity;
  const enrolled = held.seatsTaken + held.waitlistLength > 0;
  return {
    ...schedule,
    id: held.id,
    externalRef,
    capacity,
    location,
    promote: gainsSeats && held.waitlistLength > 0,
    notify: enrolled && (moved || location !== held.location),
  };
}

const FROZEN: Partial<Record<TrainingStatus, string>> = {
  [TrainingStatus.SUBMITTED]: 'Formation en cours d’examen par les comités : sa fiche ne change pas avant leur décision.',
  [TrainingStatus.ARCHIVED]: 'Formation archivée : elle ne change plus.',
  [TrainingStatus.REJECTED]: 'Formation refusée : elle ne change plus.',
};

/** Trainings the import edits in place, slug included: a published one gets a revision, the others are frozen. */
const EDITED_IN_PLACE = [TrainingStatus.DRAFT, TrainingStatus.CHANGES_REQUESTED];

/**
 * What to do with one item, given what the partner holds under its reference. An item already at
 * fault is still weighed as far as it can be (its slug, its sheet if whole, each session whose own
 * fields passed), so that it fails with every error at once.
 */
export function planItem(item: TrainingImportInput, index: number, checked: CheckedItem, held: Held): ItemPlan {
  const { externalRef, sheet } = checked;
  const training = externalRef === null ? null : (held.trainings.get(externalRef) ?? null);
  const plan: ItemPlan = {
    index,
    externalRef: externalRef ?? String(item.externalRef ?? '').trim(),
    status: ImportStatus.UNCHANGED,
    errors: [...checked.errors],
    training,
    sheet,
    // Weighed only for a known training, and once known to be a slug.
    slug: externalRef === null || refusedAt(checked.errors, path(index, 'slug')) ? null : (item.slug ?? null),
    sheetAction: null,
    revision: null,
    sessions: [],
  };
  // Without its reference the training is unknown: nothing the item says can be weighed against what the partner holds.
  if (externalRef === null) return failed(plan);
  const refuse = (error: unknown) => plan.errors.push(...failuresOf(error));
  if (!training) plan.sheetAction = 'create';
  else {
    const revision = held.revisions.get(training.id) ?? null;
    // Without the whole sheet (a field of it refused), whether it changes is unknown: only the slug is weighed.
    const sheetChanges = sheet !== null && !sameSheet(sheetOf(training), sheet) && !(revision && sameSheet(sheetOf(revision), sheet));
    const slugChanges = plan.slug !== null && plan.slug !== training.slug;
    if (EDITED_IN_PLACE.includes(training.status)) {
      if (sheetChanges || slugChanges) plan.sheetAction = 'edit';
    } else if (training.status === TrainingStatus.PUBLISHED) {
      // The partner's sheet is back to the live one while a different revision waits: that revision must not go live.
      const staleRevision = sheet !== null && revision !== null && !sameSheet(sheetOf(revision), sheet);
      if (slugChanges) refuse(new DomainError('VALIDATION', 'Le slug d’une formation publiée ne change plus : ses liens doivent rester valables.', path(index, 'slug')));
      else if ((sheetChanges || staleRevision) && revision?.status === TrainingStatus.SUBMITTED) {
        refuse(new DomainError('INVALID_TRANSITION', 'La révision en attente est en cours d’examen par les comités : attendez leur décision pour la modifier.', path(index)));
      } else if (sheetChanges || staleRevision) Object.assign(plan, { sheetAction: 'revise', revision });
    } else if (sheetChanges || slugChanges) refuse(new DomainError('INVALID_TRANSITION', FROZEN[training.status]!, path(index)));
  }
  const heldSessions = training ? held.sessions.get(training.id) : undefined;
  (item.sessions ?? []).forEach((input, position) => {
    const at = path(index, 'sessions', position);
    if (refusedAt(checked.errors, at)) return;
    try {
      const row = planSession(input, heldSessions?.get(input.externalRef.trim()), at);
      if (row && training && (training.status === TrainingStatus.ARCHIVED || training.status === TrainingStatus.REJECTED)) {
        throw new DomainError('INVALID_TRANSITION', FROZEN[training.status]!, at);
      }
      if (row) plan.sessions.push(row);
    } catch (error) {
      refuse(error);
    }
  });
  if (plan.errors.length > 0) return failed(plan);
  if (plan.sheetAction === 'create') plan.status = ImportStatus.CREATED;
  else if (plan.sheetAction || plan.sessions.length > 0) plan.status = ImportStatus.UPDATED;
  return plan;
}

/**
 * Whether the slug the item asks for would be written, were the item right: a new training's, or
 * the change of one edited in place. A failed item's is checked too, so that it reports it now.
 */
export function writesSlug(plan: ItemPlan): boolean {
  if (plan.slug === null || plan.slug === plan.training?.slug) return false;
  return plan.training === null || EDITED_IN_PLACE.includes(plan.training.status);
}

/** An item refused: nothing of it is written. */
export function failed(plan: ItemPlan, ...errors: DomainError[]): ItemPlan {
  plan.errors.push(...errors);
  return Object.assign(plan, { status: ImportStatus.FAILED, sheetAction: null, sessions: [] });
}
