import type { DataSource } from 'typeorm';
import { toGlobalId } from '../graphql/global-id';

interface ReviewRow {
  id: string;
  committee: string;
  decision: string;
  comment: string | null;
  created_at: Date;
  training_id: string;
  slug: string;
  title: string;
}

/** The decisions a committee member signed, for the RGPD export. */
export async function reviewDataOf(db: DataSource, userId: string) {
  const reviews: ReviewRow[] = await db.query(
    `SELECT r.id, r.committee, r.decision, r.comment, r.created_at, t.id AS training_id, t.slug, t.title
     FROM review r JOIN training t ON t.id = r.training_id WHERE r.reviewer_id = $1 ORDER BY r.created_at, r.id`,
    [userId],
  );
  return reviews.map(row => ({
    id: toGlobalId('Review', row.id),
    committee: row.committee,
    decision: row.decision,
    comment: row.comment,
    createdAt: row.created_at,
    training: { id: toGlobalId('Training', row.training_id), slug: row.slug, title: row.title },
  }));
}
