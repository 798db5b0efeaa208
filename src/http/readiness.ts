import type { DataSource } from 'typeorm';
import { migrationsApplied } from '../db/migrate';
import type { ReplicaSet } from '../db/replica-reads';

async function readiness(db: DataSource): Promise<{ ready: boolean; reason?: string }> {
  try {
    await db.query('SELECT 1');
    return (await migrationsApplied(db)) ? { ready: true } : { ready: false, reason: 'migrations pending' };
  } catch {
    return { ready: false, reason: 'database unreachable' };
  }
}

/**
 * The primary decides readiness; replicas are reported beside it: with one down, reads that may lag
 * go to the primary, so the process still serves everything.
 */
export async function readinessReport(deps: { db: DataSource; replicas?: ReplicaSet | null }): Promise<{ status: number; body: Record<string, unknown> }> {
  const [{ ready, reason }, replicas] = await Promise.all([readiness(deps.db), deps.replicas?.status()]);
  const body = ready ? { status: 'ready' } : { status: 'unavailable', reason };
  return { status: ready ? 200 : 503, body: replicas ? { ...body, replicas } : body };
}
