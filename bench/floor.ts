import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';

/**
 * The floor: W1 and W3 answered by a minimal handler with raw `pg` and hand-written SQL, in the
 * same process model as the API (one Node process, a pool of 10). It returns the same JSON the
 * GraphQL queries do, so the API/floor ratio prices what the framework layers cost.
 */
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10, options: '-c max_parallel_workers_per_gather=0' });

const PAGE = `SELECT t.id, t.slug, t.title, t.modality, c.slug AS collection_slug, c.name AS collection_name,
    p.slug AS partner_slug, p.name AS partner_name, l.code AS licence_code, l.name AS licence_name
  FROM training t JOIN collection c ON c.id = t.collection_id JOIN partner p ON p.id = t.partner_id
  JOIN licence l ON l.id = t.licence_id
  WHERE t.status = 'PUBLISHED' AND c.slug = $1
  ORDER BY t.published_at DESC NULLS LAST, t.id DESC LIMIT 50`;

/** Seats left as the API reads them: capacity minus the session's seat counter (null: unlimited). */
const SEATS_LEFT = `greatest(s.capacity - s.seats_taken, 0)::int`;

const UPCOMING_SESSIONS = `SELECT training_id, id, starts_at, seats_left FROM (
    SELECT s.*, ${SEATS_LEFT} AS seats_left, row_number() OVER (PARTITION BY s.training_id ORDER BY s.starts_at, s.id) AS n
    FROM training_session s WHERE s.training_id = ANY($1::uuid[]) AND s.starts_at > now()) ranked
  WHERE n <= 3 ORDER BY training_id, n`;

const FACETS = `
  SELECT 'collections' AS facet, c.slug AS value, count(t.id)::int AS count FROM collection c
    LEFT JOIN training t ON t.collection_id = c.id AND t.status = 'PUBLISHED' GROUP BY c.slug, c.position
  UNION ALL SELECT 'partners', p.slug, count(*)::int FROM training t JOIN partner p ON p.id = t.partner_id
    JOIN collection c ON c.id = t.collection_id WHERE t.status = 'PUBLISHED' AND c.slug = $1 GROUP BY p.slug
  UNION ALL SELECT 'modalities', t.modality::text, count(*)::int FROM training t JOIN collection c ON c.id = t.collection_id
    WHERE t.status = 'PUBLISHED' AND c.slug = $1 GROUP BY t.modality
  UNION ALL SELECT 'certifying', t.certifying::text, count(*)::int FROM training t JOIN collection c ON c.id = t.collection_id
    WHERE t.status = 'PUBLISHED' AND c.slug = $1 GROUP BY t.certifying`;

async function cataloguePage(collection: string) {
  const [page, facets] = await Promise.all([pool.query(PAGE, [collection]), pool.query(FACETS, [collection])]);
  const sessions = await pool.query(UPCOMING_SESSIONS, [page.rows.map(row => row.id)]);
  const of = (facet: string) => facets.rows.filter(row => row.facet === facet);
  return {
    data: {
      trainings: {
        totalCount: of('collections').find(row => row.value === collection)?.count ?? 0,
        edges: page.rows.map(row => ({
          node: {
            slug: row.slug,
            title: row.title,
            modality: row.modality,
            collection: { slug: row.collection_slug, name: row.collection_name },
            partner: { slug: row.partner_slug, name: row.partner_name },
            licence: { code: row.licence_code, name: row.licence_name },
            sessions: {
              edges: sessions.rows
                .filter(session => session.training_id === row.id)
                .map(session => ({ node: { startsAt: session.starts_at.toISOString(), seatsLeft: session.seats_left } })),
            },
          },
        })),
        facets: {
          collections: of('collections').map(row => ({ collection: { slug: row.value }, count: row.count })),
          partners: of('partners').map(row => ({ partner: { slug: row.value }, count: row.count })),
          modalities: of('modalities').map(row => ({ modality: row.value, count: row.count })),
          certifying: of('certifying').map(row => ({ value: row.value === 'true', count: row.count })),
        },
      },
    },
  };
}

async function trainingSheet(slug: string) {
  const { rows: [training] } = await pool.query(
    `SELECT t.*, c.slug AS collection_slug, c.name AS collection_name, p.slug AS partner_slug, p.name AS partner_name,
       l.code AS licence_code FROM training t JOIN collection c ON c.id = t.collection_id JOIN partner p ON p.id = t.partner_id
       JOIN licence l ON l.id = t.licence_id WHERE t.slug = $1 AND t.status = 'PUBLISHED'`,
    [slug],
  );
  if (!training) return { data: { training: null } };
  const sessions = await pool.query(
    `SELECT *, ${SEATS_LEFT} AS seats_left, count(*) OVER ()::int AS total FROM training_session s WHERE training_id = $1 ORDER BY starts_at, id LIMIT 100`,
    [training.id],
  );
  return {
    data: {
      training: {
        slug: training.slug,
        title: training.title,
        summary: training.summary,
        objectives: training.objectives,
        content: training.content,
        audience: training.audience,
        modality: training.modality,
        durationMinutes: training.duration_minutes,
        collection: { slug: training.collection_slug, name: training.collection_name },
        partner: { slug: training.partner_slug, name: training.partner_name },
        licence: { code: training.licence_code },
        sessions: {
          totalCount: sessions.rows[0]?.total ?? 0,
          edges: sessions.rows.map(session => ({
            node: {
              startsAt: session.starts_at.toISOString(),
              endsAt: session.ends_at.toISOString(),
              location: session.location,
              capacity: session.capacity,
              seatsLeft: session.seats_left,
              cancelled: session.cancelled,
            },
          })),
        },
      },
    },
  };
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', chunk => chunks.push(chunk));
  req.on('end', () => {
    const input = JSON.parse(Buffer.concat(chunks).toString() || '{}');
    const answer = req.url === '/w1' ? cataloguePage(input.collection) : trainingSheet(input.slug);
    answer.then(
      body => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(body));
      },
      error => {
        res.statusCode = 500;
        res.end(JSON.stringify({ errors: [{ message: String(error) }] }));
      },
    );
  });
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`Floor ready at http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
