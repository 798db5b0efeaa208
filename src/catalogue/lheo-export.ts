import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Modality } from './catalogue.enums';
import { formationXml, lheoFooter, lheoHeader, type LheoSession, type LheoTraining, type Recruitment } from './lheo-document';

/** Trainings read per statement: the document is written batch by batch, so its size never sits in memory. */
const BATCH = 200;
/** Raised when the document's shape changes, so that caches keyed by the ETag drop older renderings. */
const FORMAT = 'lheo-2.3/1';

/**
 * What the document depends on beyond the catalogue's version (raised by a trigger on every change,
 * on both databases: see migration CatalogueVersion): the clock, through the last enrolment window
 * or session end it crossed, and seat counters (not part of the version), through which sessions are
 * full. One statement; the same answer means the same bytes.
 */
const STATE_QUERY = `
  SELECT c.instance::text || ':' || c.version AS version,
    (SELECT max(greatest(CASE WHEN s.enrolment_opens_at <= now() THEN s.enrolment_opens_at END,
                         CASE WHEN s.enrolment_closes_at <= now() THEN s.enrolment_closes_at END,
                         CASE WHEN s.ends_at <= now() THEN s.ends_at END))::text
     FROM training_session s WHERE NOT s.cancelled) AS last_crossed,
    (SELECT md5(coalesce(string_agg(s.id::text, ',' ORDER BY s.id), ''))
     FROM training_session s
     WHERE NOT s.cancelled AND s.ends_at > now() AND s.capacity IS NOT NULL AND s.seats_taken >= s.capacity) AS full_sessions
  FROM catalogue_state c`;

/** Whether anything is published: LHEO requires at least one <formation>, so an empty catalogue has no document. */
export async function hasPublishedTraining(db: DataSource): Promise<boolean> {
  const [{ published }]: { published: boolean }[] = await db.query(`SELECT EXISTS (SELECT 1 FROM training WHERE status = 'PUBLISHED') AS published`);
  return published;
}

/** The ETag of the document as it would be written now (strong: same tag, same bytes). */
export async function lheoEtag(db: DataSource, appUrl: string): Promise<string> {
  const [state]: { version: string; last_crossed: string | null; full_sessions: string }[] = await db.query(STATE_QUERY);
  const digest = createHash('sha256').update([FORMAT, appUrl, state.version, state.last_crossed ?? '', state.full_sessions].join('\n')).digest('base64url');
  return `"lheo-${digest.slice(0, 32)}"`;
}

/**
 * A batch of published trainings after `afterSlug` (keyset, by slug), each with its partner, its
 * sessions still to come that are not cancelled, soonest first, and how each stands for enrolment
 * now. The partner is read here rather than from the per-process reference data (kept 30 s), so
 * that a renamed partner is in the document as soon as its ETag changes.
 */
const BATCH_QUERY = `
  SELECT t.slug, t.title, t.summary, t.objectives, t.content, t.prerequisites, t.audience, t.modality::text AS modality,
         t.duration_minutes, t.certifying, p.slug AS partner_slug, p.name AS partner_name, t.created_at, t.updated_at,
         coalesce(sessions.list, '[]') AS sessions
  FROM training t
  JOIN partner p ON p.id = t.partner_id
  LEFT JOIN LATERAL (
    SELECT json_agg(json_build_object(
             'id', s.id, 'startsAt', s.starts_at, 'endsAt', s.ends_at, 'enrolmentOpensAt', s.enrolment_opens_at,
             'enrolmentClosesAt', s.enrolment_closes_at, 'location', s.location, 'updatedAt', s.updated_at,
             'recruitment', CASE WHEN now() < s.enrolment_opens_at OR now() >= s.enrolment_closes_at THEN 'CLOSED'
                                 WHEN s.capacity IS NOT NULL AND s.seats_taken >= s.capacity THEN 'FULL'
                                 ELSE 'OPEN' END)
           ORDER BY s.starts_at, s.id) AS list
    FROM training_session s
    WHERE s.training_id = t.id AND NOT s.cancelled AND s.ends_at > now()
  ) sessions ON true
  WHERE t.status = 'PUBLISHED' AND ($1::text IS NULL OR t.slug > $1::text)
  ORDER BY t.slug
  LIMIT $2`;

interface BatchRow {
  slug: string;
  title: string;
  summary: string;
  objectives: string[];
  content: string | null;
  prerequisites: string | null;
  audience: string | null;
  modality: Modality;
  duration_minutes: number | null;
  certifying: boolean;
  partner_slug: string;
  partner_name: string;
  created_at: Date;
  updated_at: Date;
  sessions: (Omit<LheoSession, 'startsAt' | 'endsAt' | 'enrolmentOpensAt' | 'enrolmentClosesAt' | 'updatedAt'> &
    Record<'startsAt' | 'endsAt' | 'enrolmentOpensAt' | 'enrolmentClosesAt' | 'updatedAt', string> & { recruitment: Recruitment })[];
}

function trainingOf(row: BatchRow): LheoTraining {
  return {
    slug: row.slug,
    title: row.title,
    summary: row.summary,
    objectives: row.objectives,
    content: row.content,
    prerequisites: row.prerequisites,
    audience: row.audience,
    modality: row.modality,
    durationMinutes: row.duration_minutes,
    certifying: row.certifying,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function sessionsOf(row: BatchRow): LheoSession[] {
  return row.sessions.map(session => ({
    ...session,
    startsAt: new Date(session.startsAt),
    endsAt: new Date(session.endsAt),
    enrolmentOpensAt: new Date(session.enrolmentOpensAt),
    enrolmentClosesAt: new Date(session.enrolmentClosesAt),
    updatedAt: new Date(session.updatedAt),
  }));
}

export interface LheoExportSource {
  db: DataSource;
  /** The front end's origin: trainings' pages are `/formations/:slug` there. */
  appUrl: string;
}

/**
 * The published catalogue as a LHEO 2.3 document, in chunks of one batch of trainings each (plus
 * header and footer): the caller writes each before the next is read. The document is not read in
 * one transaction: a change during a long export shows in it partly, and changes the ETag, so a
 * client holding this one fetches again.
 */
export async function* lheoDocument({ db, appUrl }: LheoExportSource): AsyncGenerator<string> {
  yield lheoHeader();
  let after: string | null = null;
  for (;;) {
    const rows: BatchRow[] = await db.query(BATCH_QUERY, [after, BATCH]);
    if (rows.length === 0) break;
    yield rows.map(row => formationXml(trainingOf(row), { slug: row.partner_slug, name: row.partner_name }, sessionsOf(row), appUrl)).join('');
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1].slug;
  }
  yield lheoFooter();
}
