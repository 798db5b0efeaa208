import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Logger } from 'pino';
import { ensureAdmin } from './accounts/account.service';
import { openAuthBudgetStore } from './accounts/auth-budget-store';
import { RedisWithFallback } from './db/redis-with-fallback';
import { pointsOf, RateLimiter } from './http/rate-limit';
import { openRateBudgetStore } from './http/rate-budget-store';
import { resolveJwtSecret } from './auth/secrets';
import { resolveAttestationKeys } from './enrolment/attestation-keys';
import { attestationPdfRoute } from './enrolment/attestation-pdf.route';
import { hrRecordsCsvRoute } from './integration/hr-records-csv.route';
import { fileDownloadRoute, fileHeadRoute } from './files/file-download.route';
import { setFileSettings } from './files/file-settings';
import { usePasswordHashing } from './auth/passwords';
import { startUploadSweeper } from './files/file-upload.service';
import { fileUploadRoute } from './files/file-upload.route';
import { lheoExportRoute } from './catalogue/lheo-export.route';
import { LHEO_CACHE_DIR, LheoFileCache } from './catalogue/lheo-file-cache';
import type { Config } from './config';
import type { Context } from './context';
import { openDatabase, type Database } from './db/database';
import { entities } from './entities';
import { loadDemoData } from './demo/load-demo-data';
import { maskError } from './graphql/errors';
import { armor, costLimitPlugin, LIMITS } from './graphql/limits';
import { operationNamePlugin } from './graphql/operation-name.plugin';
import { requestMetricsPlugin } from './graphql/request-metrics.plugin';
import { writesReadThePrimary } from './graphql/replica-reads.plugin';
import { oneSecretCheckPerOperation } from './graphql/secret-checks';
import { buildApiSchema } from './graphql/schema';
import { cacheControlHeaders } from './graphql/cache-control.plugin';
import { openResponseCache } from './http/response-cache';
import { forgetReferenceData } from './catalogue/reference-data.loader';
import { createHttpServer } from './http/http-server';
import { createExplorer } from './http/explorer';
import { ApiMetrics } from './http/metrics';
import { metricsRoute } from './http/metrics.route';
import { createLogger } from './logger';
import { mailSender } from './mail/mail-sender';
import { policyFor, setAddressPolicy } from './integration/webhook-address';
import { webhookSender } from './integration/webhook-sender';
import { startOutboxSenders, type OutboxSenders } from './outbox/outbox-sender';

export interface App {
  readonly config: Config;
  /** e.g. http://127.0.0.1:4000/graphql */
  readonly url: string;
  readonly port: number;
  readonly database: Database;
  readonly log: Logger;
  /** Stops accepting, lets in-flight requests finish, then closes the pool and the embedded database; idempotent. */
  stop(): Promise<void>;
}

/** In-flight requests' time to finish once a stop is asked; the outbox, Redis and the database close after, all within shutdown.ts's 9.5 s. */
const SHUTDOWN_GRACE_MS = 7_000;

export async function createApp(config: Config, log: Logger = createLogger(config)): Promise<App> {
  usePasswordHashing(config.passwordHashing);
  const database = await openDatabase(config, log, entities);
  // One connection for the budgets every process shares (auth, rate limits); PostgreSQL while Redis cannot answer.
  const budgetRedis = config.redisUrl ? new RedisWithFallback(config.redisUrl, log) : null;
  const authBudgetStore = openAuthBudgetStore({ redis: budgetRedis, db: database.dataSource });
  const rateLimiter = new RateLimiter(config.rateLimits, openRateBudgetStore(budgetRedis, database.dataSource));
  let outbox: OutboxSenders | null = null;
  let uploadSweeper: { stop(): Promise<void> } | null = null;
  let responseCache: Awaited<ReturnType<typeof openResponseCache>> | null = null;
  let mail: ReturnType<typeof mailSender> | null = null;
  try {
    if (config.demoData) await loadDemoData(database.dataSource, log);
    const { admin } = config;
    if (admin) await ensureAdmin(database.dataSource, admin);
    const schema = await buildApiSchema();
    const revealErrors = config.revealErrors;
    const production = config.nodeEnv === 'production';
    const limits = armor(production);

    const apollo = new ApolloServer<Context>({
      schema,
      csrfPrevention: true,
      // main.ts owns SIGTERM/SIGINT: Apollo's own handlers would race it and re-raise the signal.
      stopOnTerminationSignals: false,
      allowBatchedHttpRequests: false,
      introspection: true,
      includeStacktraceInErrorResponses: revealErrors,
      validationRules: [...limits.validationRules, oneSecretCheckPerOperation],
      parseOptions: { maxTokens: LIMITS.maxTokens },
      formatError: (formatted, error) => {
        const masked = maskError(formatted, error, revealErrors);
        if (masked.extensions?.code === 'INTERNAL_SERVER_ERROR') log.error({ err: unwrapResolverError(error) }, 'unexpected error');
        if (masked.extensions?.code === 'SERVICE_UNAVAILABLE') log.warn({ err: unwrapResolverError(error) }, 'database unavailable');
        return masked;
      },
      plugins: [
        ...limits.plugins,
        costLimitPlugin<Context>(schema, (context, cost, operation) => context.rateBudget?.spend(pointsOf(cost, operation)) ?? Promise.resolve()),
        operationNamePlugin,
        requestMetricsPlugin,
        writesReadThePrimary,
        // Apollo's own cache-control plugin would wrap every field resolver: the policy is computed from the document instead.
        ApolloServerPluginCacheControlDisabled(),
        cacheControlHeaders(),
        // Apollo's landing page loads its script from a CDN: GraphiQL is served by the API itself instead (src/http/explorer.ts).
        ApolloServerPluginLandingPageDisabled(),
      ],
    });
    const jwtSecret = await resolveJwtSecret(config);
    const attestationIssuer = { keys: await resolveAttestationKeys(config), url: config.publicUrl };
    const onCatalogueChange = () => forgetReferenceData(database.dataSource);
    responseCache = config.responseCache ? await openResponseCache({ redisUrl: config.redisUrl, database, log, onCatalogueChange }) : null;
    mail = mailSender({ mailUrl: config.mailUrl, mailFrom: config.mailFrom, logLinks: !production });
    if (!config.mailUrl && production) log.warn('MAIL_URL is unset: e-mails (verification, password reset, notifications) stay in the outbox and are not sent');
    const webhookPolicy = policyFor(config.nodeEnv);
    setAddressPolicy(database.dataSource, webhookPolicy);
    const webhooks = webhookSender(database.dataSource, { policy: webhookPolicy, outboxWritten: channel => outbox?.wake(channel) });
    const senders = startOutboxSenders(database.dataSource, log, [mail, webhooks]);
    const metrics = new ApiMetrics({ db: database.dataSource, outboxChannels: [mail.channel, webhooks.channel] });
    const explorer = config.graphiql ? await createExplorer(log) : null;
    const lheoCache = new LheoFileCache(path.join(config.dataDir, LHEO_CACHE_DIR));
    outbox = senders;
    setFileSettings(database.dataSource, { maxBytes: config.fileMaxBytes, quotaBytes: config.fileQuotaBytes, publicUrl: config.publicUrl });
    uploadSweeper = startUploadSweeper(database.dataSource, log);
    const httpServer = createHttpServer({ apollo, db: database.dataSource, replicas: database.replicas, log, jwtSecret, attestationIssuer, exposeStatementCount: !production, responseCache,
      authRateLimitPerMinute: config.authRateLimitPerMinute,
      trustProxy: config.trustProxy,
      authBudgetStore,
      rateLimiter,
      outbox,
      appUrl: config.appUrl,
      metrics,
      explorer,
      routes: [attestationPdfRoute, hrRecordsCsvRoute, lheoExportRoute(lheoCache), fileUploadRoute, fileDownloadRoute, fileHeadRoute, metricsRoute(metrics, config.metricsToken), ...(explorer ? [explorer.assetRoute] : [])],
    });
    apollo.addPlugin(ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: SHUTDOWN_GRACE_MS }));
    await apollo.start();
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, resolve);
    });
    const { port } = httpServer.address() as AddressInfo;
    let stopped: Promise<void> | null = null;
    return {
      config,
      url: `http://localhost:${port}/graphql`,
      port,
      database,
      log,
      stop() {
        stopped ??= apollo.stop().then(async () => {
          await Promise.all([senders.stop(), uploadSweeper?.stop()]);
          mail?.close();
          await Promise.all([responseCache?.close(), budgetRedis?.close()]);
          await database.close();
        });
        return stopped;
      },
    };
  } catch (error) {
    await Promise.all([outbox?.stop(), uploadSweeper?.stop()]);
    mail?.close();
    await Promise.all([responseCache?.close(), budgetRedis?.close()]);
    await database.close();
    throw error;
  }
}
