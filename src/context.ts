import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Grant, Viewer } from './auth/viewer';
import type { AttestationKeys } from './enrolment/attestation-keys';
import type { AuthBudgetStore } from './accounts/auth-budget-store';
import type { RequestBudget } from './http/rate-limit';
import { createAccountLoaders } from './accounts/account.loaders';
import { createCatalogueLoaders } from './catalogue/catalogue.loaders';
import { createContentLoaders } from './content/content.loaders';
import { createEnrolmentLoaders } from './enrolment/enrolment.loaders';
import { createIntegrationLoaders } from './integration/integration.loaders';
import { createReviewLoaders } from './review/review.loaders';
import { LaggingReads, type ReplicaSet } from './db/replica-reads';

export interface AttestationIssuer {
  keys: AttestationKeys;
  url: string;
}

/** What the request log line reports beyond method, path and status; filled in as the request runs. */
export interface RequestTrace {
  readonly requestId: string;
  operationName?: string;
  sqlStatements?: number;
  /** For the metrics: what was asked, as a bounded label (`query:trainings`, `GET /files/:param`). */
  operation?: string;
  /** For the metrics: the codes answered (GraphQL `extensions.code`, `userErrors` codes, plain-HTTP refusals). */
  errors?: { kind: 'graphql' | 'user' | 'http'; code: string }[];
  /** For the metrics: whether the response cache answered (hit) or was filled (miss). */
  cache?: 'hit' | 'miss';
}

export type Loaders = ReturnType<typeof createAccountLoaders> &
  ReturnType<typeof createCatalogueLoaders> &
  ReturnType<typeof createContentLoaders> &
  ReturnType<typeof createEnrolmentLoaders> &
  ReturnType<typeof createIntegrationLoaders> &
  ReturnType<typeof createReviewLoaders>;

/** Everything a request carries through resolvers and services; built once per request. */
export interface Context {
  readonly requestId: string;
  readonly trace: RequestTrace;
  readonly log: Logger;
  readonly db: DataSource;
  readonly viewer: Viewer;
  /** Signs access tokens (JWT_SECRET, or the one generated in DATA_DIR). */
  readonly jwtSecret: string;
  /** The front end's origin (APP_URL): where links in e-mails point. */
  readonly appUrl: string;
  /** Signs attestations as the issuer at this URL. */
  readonly attestationIssuer: AttestationIssuer;
  readonly loaders: Loaders;
  /**
   * Where reads that may lag run — the public catalogue's lists, search and facets, the change
   * feed: a replica (DATABASE_REPLICA_URLS) during a query operation, else the primary.
   */
  readonly lagging: LaggingReads;
  /** Who is asking from where, for the budget of secret-checking operations (see `spendAuthBudget`), and where it is counted. */
  readonly authBudget: { readonly address: string; readonly perMinute: number; readonly store: AuthBudgetStore };
  /** The GraphQL request's rate-limit budget, which its operation's cost spends before it runs (none outside GraphQL requests). */
  readonly rateBudget?: RequestBudget;
  /** Tells the response cache this process wrote to the public catalogue (see `catalogueChanged`). */
  readonly onCatalogueCommit: () => void;
  /**
   * A service changed what anonymous readers see (a publication, an archive, a session): once the
   * mutation commits, this process's next cached read checks the catalogue's version first, so that
   * the client reads its own write at once (other processes learn of it by notification).
   */
  catalogueChanged(): void;
  /** This process's outbox senders (e-mail, webhooks), woken when a mutation that wrote to their channel commits. */
  readonly outbox: { wake(channel: string): void };
  /** A service queued messages on this channel (see `queueMail`): the sender looks at once after commit. */
  outboxWritten(channel: string): void;
  /** Called by `runMutation` once the mutation's work has committed. */
  mutationCommitted(): void;
  /**
   * The signed-in user's role grants as the database holds them now (read once per request, so
   * that a revoked role stops working at once); none for anonymous visitors and API clients.
   */
  grants(): Promise<readonly Grant[]>;
}

/** Where the request's reads that may lag go (see `LaggingReads`): none given, the primary. */
interface ReplicaChoice {
  replicas?: ReplicaSet | null;
  /** The catalogue version the answer will be cached under, if it will be: no replica behind it may compute it. */
  minCatalogueVersion?: bigint | null;
}

export function createContext(
  { replicas, minCatalogueVersion, ...fields }: Omit<Context, 'loaders' | 'grants' | 'catalogueChanged' | 'outboxWritten' | 'mutationCommitted' | 'lagging'> & ReplicaChoice,
): Context {
  const accountLoaders = createAccountLoaders(fields.db);
  const { userId } = fields.viewer;
  const grants = () => (userId === null ? Promise.resolve([]) : accountLoaders.grantsByUser.load(userId));
  const loaders = {
    ...accountLoaders,
    ...createCatalogueLoaders(fields.db, grants),
    ...createContentLoaders(fields.db),
    ...createEnrolmentLoaders(fields.db),
    ...createIntegrationLoaders(fields.db),
    ...createReviewLoaders(fields.db),
  };
  let changed = false;
  const catalogueChanged = () => {
    changed = true;
  };
  const written = new Set<string>();
  const outboxWritten = (channel: string) => {
    written.add(channel);
  };
  const lagging = new LaggingReads(fields.db, replicas ?? null, minCatalogueVersion ?? null);
  const mutationCommitted = () => {
    lagging.primaryOnly(); // reads after a write see it
    if (changed) fields.onCatalogueCommit();
    changed = false;
    for (const channel of written) fields.outbox.wake(channel);
    written.clear();
  };
  return { ...fields, loaders, lagging, grants, catalogueChanged, outboxWritten, mutationCommitted };
}
