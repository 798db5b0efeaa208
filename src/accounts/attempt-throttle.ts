import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../graphql/errors';

export const MAX_FAILED_ATTEMPTS = 5;
export const ATTEMPT_WINDOW_MINUTES = 15;

/**
 * Secret checks for one key (an e-mail address, an API client id) one at a time: the throttle row
 * is locked for the whole check, so parallel attempts on any number of processes cannot outrun the
 * count. 5 failures within 15 minutes lock the key for 15 minutes (TOO_MANY_ATTEMPTS). Keys are
 * stored hashed, and counted whether or not anything exists under them. `check` runs in the
 * caller's transaction and answers null for a wrong secret.
 */
export async function throttledAttempt<T>(manager: EntityManager, key: string, check: () => Promise<T | null>): Promise<T | 'invalid'> {
  const keyHash = createHash('sha256').update(key).digest('hex');
  await manager.query('INSERT INTO login_throttle (email_hash, failures, window_start) VALUES ($1, 0, now()) ON CONFLICT (email_hash) DO NOTHING', [keyHash]);
  const [throttle]: { failures: number; in_window: boolean; locked: boolean }[] = await manager.query(
    `SELECT failures, window_start > now() - interval '${ATTEMPT_WINDOW_MINUTES} minutes' AS in_window,
       coalesce(locked_until > now(), false) AS locked
     FROM login_throttle WHERE email_hash = $1 FOR UPDATE`,
    [keyHash],
  );
  if (throttle.locked) throw new DomainError('TOO_MANY_ATTEMPTS', `Trop de tentatives : réessayez dans ${ATTEMPT_WINDOW_MINUTES} minutes.`);
  const passed = await check();
  if (passed !== null) {
    await manager.query('DELETE FROM login_throttle WHERE email_hash = $1', [keyHash]);
    return passed;
  }
  const failures = throttle.in_window ? throttle.failures + 1 : 1;
  await manager.query(
    `UPDATE login_throttle SET failures = $2::int,
       window_start = CASE WHEN $3::boolean THEN window_start ELSE now() END,
       locked_until = CASE WHEN $2::int >= $4::int THEN now() + interval '${ATTEMPT_WINDOW_MINUTES} minutes' ELSE NULL END
     WHERE email_hash = $1`,
    [keyHash, failures, throttle.in_window, MAX_FAILED_ATTEMPTS],
  );
  return 'invalid';
}
