import 'reflect-metadata';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/db/data-source';
import { runPendingMigrations } from '../src/db/migrate';
import { angles, keywordPool, places, topics } from './catalogue-words';

export interface GenerateOptions {
  trainings: number;
  sessionsPerTraining: number;
}

export interface GenerateReport {
  trainings: number;
  sessions: number;
  seconds: number;
  skipped: string[];
}

/**
 * Fills an empty catalogue with generated trainings and sessions, built by PostgreSQL itself from
 * word lists (`generate_series`, one INSERT … SELECT per table): tens of thousands of rows in seconds.
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
  });
  // As autovacuum would, soon: statistics for the planner, a visibility map for index-only scans.
  await db.query('VACUUM ANALYZE training');
  await db.query('VACUUM ANALYZE training_session');
  const [{ trainings, sessions }] = await db.query(
    `SELECT (SELECT count(*) FROM training)::int AS trainings, (SELECT count(*) FROM training_session)::int AS sessions`,
  );
  return {
    trainings,
    sessions,
    seconds: (Date.now() - started) / 1000,
    // No table holds them yet: the accounts and enrolment issues add users and enrolments.
    skipped: ['users (100,000)', 'enrolments (1,000,000)'],
  };
}

/** Migrates the database at `url`, which must hold no training yet, and fills it. */
export async function generateInto(url: string, options: GenerateOptions): Promise<GenerateReport> {
  // Bulk inserts are slow by design: only errors are worth printing here.
  const db = createDataSource({ url, poolSize: 2, log: pino({ level: 'error' }) });
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
