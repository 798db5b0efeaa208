import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../graphql/errors';

export const MAX_FAILED_ATTEMPTS = 5;
export const ATTEMPT_WINDOW_MINUTES = 15;

const hashOf = (key: string) => createHash('sha256').update(key).digest('hex');

/**
 * Counts an attempt on a key (an e-mail address, an API client id) before its secret is checked,
 * in one atomic statement, so that parallel attempts on any number of processes cannot outrun the
 * count and no lock is held while the hash is computed. The 5th attempt within 15 minutes locks
 * the key for 15 minutes: later attempts are refused (TOO_MANY_ATTEMPTS) without checking anything.
 * A success clears the count (`clearAttempts`). Keys are stored hashed, and counted whether or
 * not anything exists under them.
 */
export async function countAttempt(db: DataSource | EntityManager, key: string): Promise<void> {
  // The row is updated under its lock, so the CASEs see every earlier attempt. A running lock keeps
  // counting, so that attempt 6 and later come back above the maximum: refused.
  const [{ failures }]: { failures: number }[] = await db.query(
    `INSERT INTO login_throttle AS t (email_hash, failures, window_start) VALUES ($1, 1, now())
     ON CONFLICT (email_hash) DO UPDATE SET
       failures = CASE WHEN t.locked_until > now() OR t.window_start > now() - make_interval(mins => $3) THEN t.failures + 1 ELSE 1 END,
       window_start = CASE WHEN t.locked_until > now() OR t.window_start > now() - make_interval(mins => $3) THEN t.window_start ELSE now() END,
       locked_until = CASE
         WHEN t.locked_until > now() THEN t.locked_until
         WHEN t.window_start > now() - make_interval(mins => $3) AND t.failures + 1 >= $2 THEN now() + make_interval(mins => $3)
         ELSE NULL END
     RETURNING failures`,
    [hashOf(key), MAX_FAILED_ATTEMPTS, ATTEMPT_WINDOW_MINUTES],
  );
  if (failures > MAX_FAILED_ATTEMPTS) throw new DomainError('TOO_MANY_ATTEMPTS', `Trop de tentatives : réessayez dans ${ATTEMPT_WINDOW_MINUTES} minutes.`);
}

/** The secret was right: the key's count starts again. */
export async function clearAttempts(db: DataSource | EntityManager, key: string): Promise<void> {
  await db.query('DELETE FROM login_throttle WHERE email_hash = $1', [hashOf(key)]);
}
