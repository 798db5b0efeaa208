import type { Training } from '../catalogue/training.entity';
import type { Context } from '../context';
import { toConnection } from '../graphql/connection';
import { decodeCursor, pageSize, toPage } from '../graphql/pagination';
import { eligibilityOf, type Eligibility } from './eligibility';
import { EnrolmentStatus } from './enrolment.enums';
import { Enrolment } from './enrolment.entity';
import { enrolmentParties, mayReadEnrolment } from './enrolment-rights';
import { EnrolmentConnection } from './enrolment.types';

/** `node(id)` for an enrolment: its owner, the training's editors, HR correspondents of the owner's employer, admins. */
export async function findReadableEnrolment(ctx: Context, id: string): Promise<Enrolment | null> {
  if (ctx.viewer.userId === null) return null;
  const enrolment = await ctx.loaders.enrolmentById.load(id);
  if (!enrolment) return null;
  const session = await ctx.loaders.sessionById.load(enrolment.sessionId);
  const [training, owner, grants] = await Promise.all([
    ctx.loaders.trainingById.load(session!.trainingId),
    enrolment.userId === null ? null : ctx.loaders.userById.load(enrolment.userId),
    ctx.grants(),
  ]);
  return mayReadEnrolment(ctx.viewer, grants, enrolmentParties(owner!, training!.partnerId)) ? enrolment : null;
}

export interface EnrolmentListArgs {
  status?: EnrolmentStatus | null;
  first?: number | null;
  after?: string | null;
}

/** The signed-in user's enrolments, newest first, keyset-paged. */
export async function myEnrolments(ctx: Context, args: EnrolmentListArgs): Promise<EnrolmentConnection> {
  const size = pageSize(args.first);
  const list = `myEnrolments:${args.status ?? 'ALL'}`;
  const query = ctx.db
    .getRepository(Enrolment)
    .createQueryBuilder('e')
    .where('e.user_id = :userId', { userId: ctx.viewer.userId })
    .orderBy('e.enrolled_at', 'DESC')
    .addOrderBy('e.id', 'DESC')
    .limit(size + 1);
  if (args.status) query.andWhere('e.status = :status', { status: args.status });
  const count = query.clone();
  const cursor = args.after === null || args.after === undefined ? null : decodeCursor(args.after, list, 'timestamptz');
  if (cursor) {
    query.andWhere('(e.enrolled_at, e.id) < (CAST(:key AS timestamptz), CAST(:id AS uuid))', { key: cursor.key, id: cursor.id });
  }
  const { entities, raw } = await query.addSelect('e.enrolled_at::text', 'sort_key').getRawAndEntities<{ sort_key: string }>();
  const keys = new Map(entities.map((enrolment, index) => [enrolment.id, raw[index].sort_key]));
  const page = toPage(entities, { size, list, after: cursor, position: enrolment => ({ key: keys.get(enrolment.id)!, id: enrolment.id }) });
  return toConnection(EnrolmentConnection, page, () => count.getCount());
}

/**
 * The training of an enrolment the caller may read, even once archived: reading it there is
 * legitimate, so the request's visibility loader learns it (nested `session.training` then agrees).
 */
export async function enrolledTraining(ctx: Context, trainingId: string): Promise<Training> {
  const training = (await ctx.loaders.trainingById.load(trainingId))!;
  ctx.loaders.visibleTrainingById.clear(training.id).prime(training.id, training);
  return training;
}

/** The audience rule against the signed-in user's profile; null when anonymous. */
export async function eligibilityFor(ctx: Context, training: Training): Promise<Eligibility | null> {
  if (ctx.viewer.userId === null) return null;
  const agent = (await ctx.loaders.userById.load(ctx.viewer.userId))!;
  const partners = await ctx.loaders.partnerById.loadMany(training.audiencePartnerIds);
  const names = new Map(partners.map(partner => [partner.id, partner.name]));
  return eligibilityOf(training, agent, id => names.get(id) ?? id);
}
