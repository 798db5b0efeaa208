import type { GraphQLSchema } from 'graphql';
import { AccountResolver } from '../accounts/account.resolver';
import { AdminResolver } from '../accounts/admin.resolver';
import { CredentialsResolver } from '../accounts/credentials.resolver';
import { PersonalDataResolver } from '../accounts/personal-data.resolver';
import { authChecker } from '../auth/auth-checker';
import { buildSchema } from 'type-graphql';
import { ReferenceResolver } from '../catalogue/reference.resolver';
import { SessionFieldsResolver } from '../catalogue/session-fields.resolver';
import { SheetFieldsResolver } from '../catalogue/sheet-fields.resolver';
import { AudienceRuleResolver, TrainingFieldsResolver } from '../catalogue/training-fields.resolver';
import { TrainingStructuredDataResolver } from '../catalogue/structured-data.resolver';
import { TrainingResolver } from '../catalogue/training.resolver';
import { TrainingEditingResolver } from '../catalogue/training-editing.resolver';
import { ReviewFieldsResolver, RevisionFieldsResolver, TrainingReviewFieldsResolver } from '../review/review-fields.resolver';
import { ReviewResolver } from '../review/review.resolver';
import { EnrolmentFieldsResolver, TrainingEligibilityResolver } from '../enrolment/enrolment-fields.resolver';
import { EnrolmentResolver } from '../enrolment/enrolment.resolver';
import { ContentResolver } from '../content/content.resolver';
import { FilesResolver, UserStorageResolver } from '../files/files.resolver';
import { ContentEditingResolver } from '../content/content-editing.resolver';
import { ImportResolver } from '../integration/import.resolver';
import { WebhookResolver } from '../integration/webhook.resolver';
import { HrRecordsResolver } from '../integration/hr-records.resolver';
import { NodeResolver } from './node.resolver';
import { CatalogueFeedResolver } from '../integration/catalogue-feed.resolver';
import { WebhookDeliveryFieldsResolver } from '../integration/webhook-delivery-fields.resolver';
import { cacheControlDirective } from './cache-control';
import { DateTimeScalar } from './scalars';

export const resolvers = [
  NodeResolver,
  AccountResolver,
  CatalogueFeedResolver,
  WebhookDeliveryFieldsResolver,
  CredentialsResolver,
  AdminResolver,
  PersonalDataResolver,
  ReferenceResolver,
  TrainingResolver,
  SheetFieldsResolver,
  TrainingFieldsResolver,
  TrainingStructuredDataResolver,
  AudienceRuleResolver,
  SessionFieldsResolver,
  TrainingEditingResolver,
  ReviewResolver,
  TrainingReviewFieldsResolver,
  RevisionFieldsResolver,
  ReviewFieldsResolver,
  EnrolmentResolver,
  EnrolmentFieldsResolver,
  TrainingEligibilityResolver,
  ContentResolver,
  ContentEditingResolver,
  ImportResolver,
  WebhookResolver,
  HrRecordsResolver,
  FilesResolver,
  UserStorageResolver,
] as const;

export function buildApiSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    directives: [cacheControlDirective],
    authChecker,
    // Inputs are validated by the services, whose refusals become `userErrors` (the contract).
    validate: false,
  });
}
