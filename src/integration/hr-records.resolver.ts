import { Arg, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { perPageItem } from '../graphql/complexity';
import { HR_READERS } from './hr-records-rights';
import { listHrRecords } from './hr-records.service';
import { HrRecord, HrRecordConnection } from './hr-records.types';

/** The partner's HR correspondents, admins, the partner's API clients with `hr:read` (the partner is checked in the service). */
@Authorized(...HR_READERS)
@Resolver(() => HrRecord)
export class HrRecordsResolver {
  @Query(() => HrRecordConnection, {
    complexity: perPageItem,
    description:
      'Completions by agents employed by the partner (mailbox proven), in any partner’s training, oldest first (completion time, then id): ' +
      'resume from `pageInfo.endCursor`, or ask `since` the last run. A completion is listed once no earlier one can still commit ' +
      '(about 2 s after its own), so resuming never skips one. Also as CSV: `GET /hr/records.csv?partner=…&since=…`.',
  })
  hrRecords(
    @Ctx() ctx: Context,
    @Arg('partner', { description: 'The employer’s slug, e.g. "maa".' }) partner: string,
    @Arg('since', () => Date, { nullable: true, description: 'Completions at or after this instant only.' }) since?: Date | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
  ): Promise<HrRecordConnection> {
    return listHrRecords(ctx, partner, since, after, first);
  }
}
