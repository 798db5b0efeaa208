import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../accounts/accounts.enums';
import { scope } from '../auth/auth-checker';
import type { Context } from '../context';
import { runMutation } from '../graphql/run-mutation';
import { importTrainings } from './import.service';
import { ImportErrorPolicy, TrainingImportInput } from './import.inputs';
import { ImportReport, reportOrEmpty } from './import.types';

@Resolver()
export class ImportResolver {
  @Authorized(Role.EDITOR, Role.ADMIN, scope('catalogue:write'))
  @Mutation(() => ImportReport, {
    description:
      "The partner's editors, admins, or an API client of the partner with catalogue:write. Up to 500 whole training sheets with their sessions, matched by externalRef: " +
      'new ones are created and submitted, drafts edited and resubmitted, published ones get a submitted pending revision; sessions change without review. Idempotent.',
  })
  async importTrainings(
    @Ctx() ctx: Context,
    @Arg('partner', { description: 'Partner slug.' }) partner: string,
    @Arg('items', () => [TrainingImportInput]) items: TrainingImportInput[],
    @Arg('dryRun', () => Boolean, { nullable: true, description: 'The full report, nothing written.' }) dryRun: boolean | null,
    @Arg('errorPolicy', () => ImportErrorPolicy, { nullable: true, description: 'Default REJECT_EVERYTHING.' }) errorPolicy: ImportErrorPolicy | null,
  ): Promise<ImportReport> {
    return reportOrEmpty(await runMutation(ctx, () => importTrainings(ctx, { partner, items, dryRun, errorPolicy })));
  }
}
