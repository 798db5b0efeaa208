import { Foundation1795917788748 } from './1795917788748-Foundation';
import { ReferenceData1795917788749 } from './1795917788749-ReferenceData';
import { CatalogueSearch1795920000000 } from './1795920000000-CatalogueSearch';
import { Accounts1795925246282 } from './1795925246282-Accounts';
import { EditorialWorkflow1795933852915 } from './1795933852915-EditorialWorkflow';
import { Attestations1795935543647 } from './1795935543647-Attestations';
import { SeatCounters1796000000000 } from './1796000000000-SeatCounters';
import { CatalogueVersion1796000000001 } from './1796000000001-CatalogueVersion';
import { AuthRateLimit1796000000002 } from './1796000000002-AuthRateLimit';
import { VerifiedMailboxes1796000000003 } from './1796000000003-VerifiedMailboxes';
import { CatalogueChanges1796000000004 } from './1796000000004-CatalogueChanges';
import { RegistrationWarnings1796000000007 } from './1796000000007-RegistrationWarnings';
import { FeedHistory1796000000009 } from './1796000000009-FeedHistory';
import { WebhookAttempts1796000000010 } from './1796000000010-WebhookAttempts';
import { PersonalFiles1796000000011 } from './1796000000011-PersonalFiles';
import { Webhooks1796000000005 } from './1796000000005-Webhooks';
import { ImportKeys1796000000006 } from './1796000000006-ImportKeys';
import { HrRecords1796000000008 } from './1796000000008-HrRecords';
import { EditableContent1796000000012 } from './1796000000012-EditableContent';
import { AccountDeletion1796000000013 } from './1796000000013-AccountDeletion';
import { RateLimits1796000000014 } from './1796000000014-RateLimits';
import { OutboxBacklog1796000000015 } from './1796000000015-OutboxBacklog';

/** Every migration, in order; listed explicitly so that tsc, swc and Jest run the same classes. */
export const migrations = [
  Foundation1795917788748,
  ReferenceData1795917788749,
  CatalogueSearch1795920000000,
  Accounts1795925246282,
  EditorialWorkflow1795933852915,
  Attestations1795935543647,
  SeatCounters1796000000000,
  CatalogueVersion1796000000001,
  AuthRateLimit1796000000002,
  VerifiedMailboxes1796000000003,
  CatalogueChanges1796000000004,
  Webhooks1796000000005,
  ImportKeys1796000000006,
  RegistrationWarnings1796000000007,
  HrRecords1796000000008,
  FeedHistory1796000000009,
  WebhookAttempts1796000000010,
  PersonalFiles1796000000011,
  EditableContent1796000000012,
  AccountDeletion1796000000013,
  RateLimits1796000000014,
  OutboxBacklog1796000000015,
];
