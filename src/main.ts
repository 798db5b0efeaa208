import 'reflect-metadata';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { stopOnSignals } from './shutdown';

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const log = createLogger(config);
  if (config.databaseUrl !== null && process.env.NODE_ENV === undefined) {
    log.warn('NODE_ENV is unset: running in development mode (SQL counts, GraphiQL; errors stay masked); set NODE_ENV=production when deploying');
  }
  const app = await createApp(config, log);
  stopOnSignals(app, log);
  log.info({ url: app.url, embedded: app.database.embedded, startupMs: Date.now() - started }, 'Mentor API ready');
  console.log(`Mentor API ready at ${app.url}`);
}

main().catch((error: unknown) => {
  // A configuration error is one clear line; anything else keeps its stack for the operator.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
