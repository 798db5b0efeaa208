import 'reflect-metadata';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const log = createLogger(config);
  const app = await createApp(config, log);
  log.info({ url: app.url, embedded: app.database.embedded, startupMs: Date.now() - started }, 'Mentor API ready');
  console.log(`Mentor API ready at ${app.url}`);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing in-flight requests');
    app.stop().then(
      () => process.exit(0),
      error => {
        log.error({ err: error }, 'unclean shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  // A configuration error is one clear line; anything else keeps its stack for the operator.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
