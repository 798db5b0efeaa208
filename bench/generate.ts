import 'reflect-metadata';
import pino from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import { createDataSource } from '../src/db/data-source';
import { entities } from '../src/entities';
import { runPendingMigrations } from '../src/db/migrate';
import { angles, keywordPool, places, topics } from './catalogue-words';

export interface GenerateOptions {
  trainings: number;
  sessionsPerTraining: number;
  users: number;
  enrolments: number;
}

export interface GenerateReport {
  trainings: number;
  sessions: number;
  users: number;
  enrolments: number;
  seconds: number;
}

/**
 * Fills an empty catalogue with generated trainings, sessions, agents and enrolments, built by
 * PostgreSQL itself from word lists (`generate_series`, one INSERT … SELECT per table).
 */
export async function generateCatalogue(db: DataSource, options: GenerateOptions): Promise<GenerateReport> {
  const started = Date.now();
  await db.transaction(async manager => {
    await manager.query(
      `WITH words AS (SELECT $2::text[] AS topics, $3::text[] AS angles, $4::text[] AS keywords)
       INSERT INTO training (slug, external_ref, title, summary, objectives, content, audience, keywords, target_jobs,
         modality, duration_minutes, certifying, licence_id, collection_id, partner_id, co_funder_ids, status, published_at)
       SELECT 'bench-' || i, 'BENCH-' || i,
         topic || ' : ' || angle,
         'Formation « ' || lower(angle) || ' » sur ' || lower(topic) || ', conçue pour les agents de l’État et adaptée aux situations de travail.',
         ARRAY['Comprendre le cadre : ' || lower(topic), 'Appliquer les méthodes vues en formation', 'Partager ses pratiques avec ses pairs'],
         'Module 1 : repères. Module 2 : mises en situation. Module 3 : plan d’action individuel.',
         'Agents de catégorie ' || (ARRAY['A', 'B', 'C'])[1 + i % 3] || ' et encadrants concernés.',
         ARRAY[w.keywords[1 + i % cardinality(w.keywords)], w.keywords[1 + (i * 3) % cardinality(w.keywords)]],
         ARRAY['Gestionnaire', 'Encadrant de proximité'],
         (enum_range(NULL::training_modality_enum))[1 + i % 7],
         CASE WHEN i % 11 = 0 THEN NULL ELSE 60 * (1 + i % 14) END,
         i % 4 = 0,
         l.ids[1 + i % cardinality(l.ids)], c.ids[1 + i % cardinality(c.ids)], p.ids[1 + (i / 3) % cardinality(p.ids)],
         CASE WHEN i % 9 = 0 THEN ARRAY[p.ids[1 + (i + 1) % cardinality(p.ids)]] ELSE '{}' END,
         'PUBLISHED', now() - make_interval(hours => i % 9000)
       FROM generate_series(1, $1::int) AS i
         CROSS JOIN words w
         CROSS JOIN LATERAL (SELECT w.topics[1 + i % cardinality(w.topics)] AS topic,
           w.angles[1 + (i / cardinality(w.topics)) % cardinality(w.angles)] AS angle) text
         CROSS JOIN (SELECT array_agg(id ORDER BY code) AS ids FROM licence) l
         CROSS JOIN (SELECT array_agg(id ORDER BY position) AS ids FROM collection) c
         CROSS JOIN (SELECT array_agg(id ORDER BY slug) AS ids FROM partner) p`,
      [options.trainings, topics, angles, keywordPool],
    );
    await manager.query(
      `INSERT INTO training_session (training_id, starts_at, ends_at, enrolment_opens_at, enrolment_closes_at, capacity, location, cancelled)
       SELECT t.id, starts, starts + interval '7 hours', starts - interval '60 days', starts,
         CASE WHEN (n + k) % 5 = 0 THEN NULL ELSE 8 + (n + k) % 30 END,
         ($2::text[])[1 + (n + k) % cardinality($2::text[])], (n + k) % 37 = 0
       FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM training WHERE slug LIKE 'bench-%') t,
         generate_series(1, $1::int) AS k,
         LATERAL (SELECT date_trunc('day', now()) + make_interval(days => ((n * 7 + k * 23) % 240)::int - 60, hours => 9) AS starts) s`,
      [options.sessionsPerTraining, places],
    );
    await generatePeople(manager, options);
  });
  // As autovacuum would, soon: statistics for the planner, a visibility map for index-only scans.
  for (const table of ['training', 'training_session', 'user_account', 'enrolment']) await db.query(`VACUUM ANALYZE ${table}`);
  const [counts] = await db.query(
    `SELECT (SELECT count(*) FROM training)::int AS trainings, (SELECT count(*) FROM training_session)::int AS sessions,
       (SELECT count(*) FROM user_account)::int AS users, (SELECT count(*) FROM enrolment)::int AS enrolments`,
  );
  return { ...counts, seconds: (Date.now() - started) / 1000 };
}

/**
 * Agents of every partner and category, and enrolments spread over the sessions in arrival order:
 * seats first (completed once the session is over), then a waiting line numbered from 1; none
 * active in cancelled sessions. The seat invariants the API keeps hold for them too; completed
 * enrolments get no attestation (signing a million credentials measures nothing the API serves).
 */
async function generatePeople(manager: EntityManager, options: GenerateOptions): Promise<void> {
  await manager.query(
    `INSERT INTO user_account (email, password_hash, display_name, employer_id, category, functions, email_verified)
     SELECT 'bench-agent-' || i || '@' || p.domains[1 + i % cardinality(p.domains)], '!', 'Agent ' || i,
       p.ids[1 + i % cardinality(p.ids)], (enum_range(NULL::user_account_category_enum))[1 + i % 6],
       CASE WHEN i % 3 = 0 THEN ARRAY['encadrant'] ELSE '{}' END, true
     FROM generate_series(1, $1::int) AS i
       CROSS JOIN (SELECT array_agg(id ORDER BY slug) AS ids, array_agg(email_domains[1] ORDER BY slug) AS domains FROM partner) p`,
    [options.users],
  );
  const [{ sessions }] = await manager.query(`SELECT count(*)::int AS sessions FROM training_session`);
  const perSession = Math.ceil(options.enrolments / Math.max(sessions, 1));
  await manager.query(
    `INSERT INTO enrolment (user_id, session_id, status, waitlist_position, enrolled_at, completed_at, cancelled_at)
     SELECT u.id, s.id,
       CASE WHEN s.cancelled THEN 'CANCELLED' WHEN s.capacity IS NOT NULL AND j > s.capacity THEN 'WAITLISTED'
         WHEN s.ends_at < now() THEN 'COMPLETED' ELSE 'CONFIRMED' END::enrolment_status_enum,
       CASE WHEN NOT s.cancelled AND s.capacity IS NOT NULL AND j > s.capacity THEN j - s.capacity END,
       s.enrolment_opens_at + make_interval(mins => j),
       CASE WHEN NOT s.cancelled AND (s.capacity IS NULL OR j <= s.capacity) AND s.ends_at < now() THEN s.ends_at END,
       CASE WHEN s.cancelled THEN s.starts_at - interval '1 day' END
     FROM (SELECT *, row_number() OVER (ORDER BY id) AS n FROM training_session) s
       CROSS JOIN generate_series(1, $1::int) AS j
       JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM user_account) u ON u.k = (s.n * 7919 + j) % $3::int
     WHERE (s.n - 1) * $1::int + j <= $2::int`,
    [perSession, options.enrolments, options.users],
  );
}

/** Migrates the database at `url`, which must hold no training yet, and fills it. */
export async function generateInto(url: string, options: GenerateOptions): Promise<GenerateReport> {
  // Bulk inserts are slow by design: only errors are worth printing here.
  const db = createDataSource({ url, poolSize: 2, log: pino({ level: 'error' }), entities });
  await db.initialize();
  try {
    await runPendingMigrations(db);
    const [{ count }] = await db.query('SELECT count(*)::int AS count FROM training');
    if (count > 0) throw new Error(`the benchmark needs an empty catalogue; this database holds ${count} trainings`);
    return await generateCatalogue(db, options);
  } finally {
    await db.destroy();
  }
}
