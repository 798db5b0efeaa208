import type { EntityManager } from 'typeorm';

const LIGATURES: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss' };

/** "Marchés publics : l’essentiel" → "marches-publics-l-essentiel" (French accents folded). */
export function slugify(text: string, maxLength = 120): string {
  return text
    .toLowerCase()
    .replace(/[œæß]/g, letter => LIGATURES[letter])
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, maxLength)
    .replace(/^-+|-+$/g, '');
}

/**
 * Slugs and external references are checked and taken one transaction at a time (trainings are
 * created rarely): two drafts with one title created at once get `base` and `base-2`, and two with
 * one reference a VALIDATION refusal, never a unique violation.
 */
export async function lockTrainingIdentifiers(manager: EntityManager): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtext('mentor:training-identifiers'))`);
}

/** `base`, or `base-2`, `base-3`… whichever is free first. */
export async function freeSlug(manager: EntityManager, base: string): Promise<string> {
  const rows: { slug: string }[] = await manager.query(`SELECT slug FROM training WHERE slug = $1 OR slug LIKE $2`, [base, `${base}-%`]);
  const taken = new Set(rows.map(row => row.slug));
  if (!taken.has(base)) return base;
  let suffix = 2;
  while (taken.has(`${base}-${suffix}`)) suffix += 1;
  return `${base}-${suffix}`;
}

export async function slugTaken(manager: EntityManager, slug: string, exceptTrainingId: string | null): Promise<boolean> {
  const rows = await manager.query(`SELECT 1 FROM training WHERE slug = $1 AND id IS DISTINCT FROM $2`, [slug, exceptTrainingId]);
  return rows.length > 0;
}
