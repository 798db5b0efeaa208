import type { AuthCheckerFn, ResolverData } from 'type-graphql';
import { Role } from '../accounts/accounts.enums';
import { authChecker, forbidden, type Permission } from '../auth/auth-checker';
import { grantsInclude } from '../auth/viewer';
import { Partner } from '../catalogue/partner.entity';
import type { Context } from '../context';
import { toConnection } from '../graphql/connection';
import { badUserInput } from '../graphql/errors';
import { toGlobalId } from '../graphql/global-id';
import { decodeCursor, pageSize, toPage, type KeysetPosition } from '../graphql/pagination';
import { HR_READERS, mayReadHrRecords } from './hr-records-rights';
import { HrRecord, HrRecordConnection } from './hr-records.types';

interface HrRecordRow {
  id: string;
  sort_key: string;
  completed_at: Date;
  agent_name: string;
  agent_email: string;
  training_title: string;
  partner_name: string;
  duration_minutes: number | null;
  attestation_code: string;
}

const LIST = 'hrRecords';
const START: KeysetPosition = { key: '-infinity', id: '00000000-0000-0000-0000-000000000000' };

/**
 * Records are handed out once no transaction still running can commit an earlier one. A completion
 * is dated (`completedAt`, the API's clock) inside its transaction, some milliseconds before it
 * commits: a reader that had moved its cursor past that instant meanwhile would never see it. Every
 * transaction that could still commit a completion began before dating it, so completions older
 * than the oldest transaction in flight (`pg_stat_activity.xact_start`; the API's sessions share one
 * role, so they see each other's; autovacuum is left out) are final; the margin covers the API's
 * and the database's clocks drifting apart. A completion is thus listed about 2 s after it commits,
 * later while a long transaction runs (a backup): the price `catalogueChanges` pays too.
 */
const SETTLED = `(SELECT coalesce(min(xact_start), now()) FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend') - interval '2 seconds'`;

/**
 * Completed enrolments (with their attestation) of the partner's agents — employed by it and with a
 * proven mailbox (see `enrolmentParties`) — in any partner's training, from `since` on, after a keyset
 * position, in (completed_at, id) order: walks `enrolment_completed_idx`. The bounds are always
 * passed (−infinity when absent), so the statement is one text and the planner sees plain ranges.
 */
const FROM_WHERE = `FROM enrolment e
  JOIN user_account u ON u.id = e.user_id
  JOIN attestation a ON a.enrolment_id = e.id
  WHERE e.status = 'COMPLETED' AND u.employer_id = $1 AND u.email_verified AND e.completed_at >= $2::timestamptz
    AND e.completed_at < coalesce($3::timestamptz, ${SETTLED})`;

const PAGE = `SELECT e.id, e.completed_at::text AS sort_key, e.completed_at, u.display_name AS agent_name, u.email AS agent_email,
    a.training_title, a.partner_name, a.duration_minutes, a.code AS attestation_code
  ${FROM_WHERE} AND (e.completed_at, e.id) > ($4::timestamptz, $5::uuid)
  ORDER BY e.completed_at, e.id
  LIMIT $6`;

function toRecord(row: HrRecordRow): HrRecord {
  return Object.assign(new HrRecord(), {
    enrolmentId: toGlobalId('Enrolment', row.id),
    agentName: row.agent_name,
    agentEmail: row.agent_email,
    trainingTitle: row.training_title,
    partnerName: row.partner_name,
    durationMinutes: row.duration_minutes,
    completedAt: row.completed_at,
    attestationCode: row.attestation_code,
  });
}

/** Completions in [since, until), after a position; `until` absent: up to what is settled now. */
function readRows(ctx: Pick<Context, 'db'>, partnerId: string, since: Date | null | undefined, until: Date | null, after: KeysetPosition, limit: number): Promise<HrRecordRow[]> {
  return ctx.db.query(PAGE, [partnerId, since ? since.toISOString() : '-infinity', until?.toISOString() ?? null, after.key, after.id, limit]);
}

/**
 * The instant before which every completion is settled now, to the millisecond (as the API dates
 * them): an export up to it holds every record before it, and the next export from it continues
 * exactly, with no gap and no repeat.
 */
export async function settledUntil(ctx: Context): Promise<Date> {
  const [{ until }]: { until: Date }[] = await ctx.db.query(`SELECT date_trunc('milliseconds', ${SETTLED}) AS until`);
  return until;
}

/**
 * The partner whose HR records the caller may read. Anyone else gets one refusal whatever the
 * partner, known or not (UNAUTHENTICATED without a token, FORBIDDEN otherwise): nothing is learnt,
 * not even whether there are records. Admins, who may read every partner, are told of a typo.
 */
export async function hrPartner(ctx: Context, partnerSlug: string): Promise<Partner> {
  // The resolver's own check (roles, the client's scope, revocation), also for the CSV route.
  await (authChecker as AuthCheckerFn<Context, Permission>)({ context: ctx } as ResolverData<Context>, HR_READERS);
  const [partner, grants] = await Promise.all([ctx.db.manager.findOneBy(Partner, { slug: partnerSlug }), ctx.grants()]);
  if (partner && mayReadHrRecords(ctx.viewer, grants, partner.id)) return partner;
  if (!partner && !ctx.viewer.client && grantsInclude(grants, Role.ADMIN)) throw badUserInput(`Partenaire inconnu : ${partnerSlug}.`, 'partner');
  throw forbidden();
}

/** A page of HR records: one statement whatever `first` (plus `totalCount`'s when asked). */
export async function listHrRecords(
  ctx: Context,
  partnerSlug: string,
  since: Date | null | undefined,
  after: string | null | undefined,
  first: number | null | undefined,
): Promise<HrRecordConnection> {
  const partner = await hrPartner(ctx, partnerSlug);
  const size = pageSize(first);
  const cursor = after ? decodeCursor(after, LIST, 'timestamptz') : null;
  const rows = await readRows(ctx, partner.id, since, null, cursor ?? START, size + 1);
  const page = toPage(rows, { size, list: LIST, after: cursor, position: row => ({ key: row.sort_key, id: row.id }), node: toRecord });
  const countTotal = async () => {
    const [{ count }]: { count: number }[] = await ctx.db.query(`SELECT count(*)::int AS count ${FROM_WHERE}`, [partner.id, since ? since.toISOString() : '-infinity', null]);
    return count;
  };
  return toConnection(HrRecordConnection, page, countTotal);
}

/**
 * Every HR record of the partner completed in [since, until), read in keyset batches of `batchSize` (one
 * statement each, no transaction or server-side cursor held open between them, the same SQL on
 * PGlite and PostgreSQL): memory stays one batch, whatever the number of records. With `until`
 * fixed at the start, the file is what was settled then, however long it takes to stream. The
 * reads need the database only: a test crosses many batches with a handful of records.
 */
export async function* streamHrRecords(ctx: Pick<Context, 'db'>, partnerId: string, since: Date | null, until: Date, batchSize = 1000): AsyncGenerator<HrRecord[]> {
  let after = START;
  for (;;) {
    const rows = await readRows(ctx, partnerId, since, until, after, batchSize);
    if (rows.length > 0) yield rows.map(toRecord);
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1];
    after = { key: last.sort_key, id: last.id };
  }
}
