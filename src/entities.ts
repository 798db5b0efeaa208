import { AccountToken } from './accounts/account-token.entity';
import { ApiClient } from './accounts/api-client.entity';
import { AuditEntry } from './accounts/audit-entry.entity';
import { LoginThrottle } from './accounts/login-throttle.entity';
import { RefreshToken } from './accounts/refresh-token.entity';
import { RoleGrant } from './accounts/role-grant.entity';
import { User } from './accounts/user.entity';
import { Collection } from './catalogue/collection.entity';
import { Licence } from './catalogue/licence.entity';
import { Partner } from './catalogue/partner.entity';
import { TrainingSession } from './catalogue/training-session.entity';
import { Training } from './catalogue/training.entity';
import { Attestation } from './enrolment/attestation.entity';
import { Enrolment } from './enrolment/enrolment.entity';
import { Review } from './review/review.entity';
import { TrainingRevision } from './review/training-revision.entity';
import { FaqEntry } from './content/faq-entry.entity';
import { TourStep } from './content/tour-step.entity';
import { OutboxMessage } from './outbox/outbox-message.entity';
import { CatalogueChange } from './integration/catalogue-change.entity';
import { Webhook } from './integration/webhook.entity';
import { WebhookDelivery } from './integration/webhook-delivery.entity';
import { WebhookAttempt } from './integration/webhook-attempt.entity';
import { PersonalFile } from './files/personal-file.entity';
import { PersonalFileChunk } from './files/personal-file-chunk.entity';
import { RateBudget } from './http/rate-budget.entity';

/** Listed explicitly (not globbed) so that tsc, swc and Jest load the same classes. */
export const entities = [
  Collection,
  Partner,
  Licence,
  Training,
  TrainingSession,
  FaqEntry,
  TourStep,
  User,
  RefreshToken,
  AccountToken,
  RoleGrant,
  ApiClient,
  AuditEntry,
  LoginThrottle,
  TrainingRevision,
  Review,
  Enrolment,
  Attestation,
  OutboxMessage,
  CatalogueChange,
  Webhook,
  WebhookDelivery,
  WebhookAttempt,
  PersonalFile,
  PersonalFileChunk,
  RateBudget,
];
