import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GraphQLError } from 'graphql';
import { Role } from '../accounts/accounts.enums';
import { ANONYMOUS } from '../auth/viewer';
import { ConfigError, loadConfig } from '../config';
import { createContext, type Context } from '../context';
import { openDatabase, type Database } from '../db/database';
import { entities } from '../entities';
import { DomainError, InvalidInput } from '../graphql/errors';
import { createLogger } from '../logger';
import { ImportFileError, parseCsvFile, parseJsonFile } from './import-file';
import { ImportErrorPolicy } from './import.inputs';
import { importTrainings } from './import.service';
import type { ImportReport } from './import.types';

/*
 * npm run import -- --partner maa --file catalogue.json|.csv [--dry-run] [--error-policy REJECT_FAILED_ITEMS] [--json]
 *
 * Runs importTrainings on the configured database (DATABASE_URL, else the embedded one in DATA_DIR:
 * stop `npm start` first) as the system: whoever holds the database's credentials may already write
 * anything, so the CLI acts with an admin's rights; the audit trail records the import with no
 * actor (the system) and its source (operator, host, file).
 */

const USAGE = 'usage: npm run import -- --partner <slug> --file <catalogue.json|catalogue.csv> [--dry-run] [--error-policy REJECT_EVERYTHING|REJECT_FAILED_ITEMS] [--json]';

/** The system actor: an admin's rights, no user, no client. */
function systemContext(database: Database, log: Context['log'], appUrl: string): Context {
  const context = createContext({
    requestId: 'import-cli',
    trace: { requestId: 'import-cli' },
    log,
    db: database.dataSource,
    viewer: ANONYMOUS,
    jwtSecret: '',
    appUrl,
    attestationIssuer: { keys: null as never, url: '' },
    authBudget: { address: 'cli', perMinute: 0, store: null as never },
    onCatalogueCommit: () => undefined,
    // The API processes' senders deliver what the import queued (they look every 2 s).
    outbox: { wake: () => undefined },
  });
  return { ...context, grants: async () => [{ role: Role.ADMIN, partnerId: null }] };
}

function printReport(report: Omit<ImportReport, 'userErrors'>): void {
  for (const [index, item] of report.items.entries()) {
    console.log(`${String(index).padStart(4)}  ${item.status.padEnd(9)}  ${item.externalRef}${item.training ? `  ${item.training.slug} (${item.training.status})` : ''}`);
    for (const error of item.errors) console.log(`        ${error.code} ${JSON.stringify(error.field)} ${error.message}`);
  }
  const verdict = report.applied ? 'written' : 'nothing written';
  console.log(`created ${report.created}, updated ${report.updated}, unchanged ${report.unchanged}, failed ${report.failed}: ${verdict}`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      partner: { type: 'string' },
      file: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'error-policy': { type: 'string', default: ImportErrorPolicy.REJECT_EVERYTHING },
      json: { type: 'boolean', default: false },
    },
  });
  const policy = values['error-policy']!.toUpperCase().replace(/-/g, '_') as ImportErrorPolicy;
  if (!values.partner || !values.file || !Object.values(ImportErrorPolicy).includes(policy)) {
    console.error(USAGE);
    return 2;
  }
  const text = await readFile(values.file, 'utf8');
  const items = path.extname(values.file).toLowerCase() === '.csv' ? parseCsvFile(text) : parseJsonFile(text);

  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env, DEMO_DATA: 'false' });
  const log = createLogger(config);
  const database = await openDatabase(config, log, entities);
  try {
    const ctx = systemContext(database, log, config.appUrl);
    const source = `cli: ${os.userInfo().username}@${os.hostname()} ${path.basename(values.file)}`;
    const report = await importTrainings(ctx, { partner: values.partner, items, dryRun: values['dry-run'], errorPolicy: policy, source });
    if (values.json) console.log(JSON.stringify({ ...report, items: report.items.map(item => ({ ...item, training: item.training && { slug: item.training.slug, status: item.training.status } })) }, null, 2));
    else printReport(report);
    // A dry run without failures is a success: a script checks a file before importing it.
    return report.failed > 0 || (!report.applied && !values['dry-run']) ? 1 : 0;
  } finally {
    await database.close();
  }
}

main().then(
  code => process.exit(code),
  (error: unknown) => {
    if (error instanceof InvalidInput) for (const failure of error.failures) console.error(`${failure.code} ${JSON.stringify(failure.field)} ${failure.message}`);
    else if (error instanceof DomainError) console.error(`${error.code} ${JSON.stringify(error.field)} ${error.message}`);
    else if (error instanceof ImportFileError || error instanceof ConfigError || error instanceof GraphQLError) console.error(error.message);
    else console.error(error);
    process.exit(error instanceof ImportFileError ? 2 : 1);
  },
);
