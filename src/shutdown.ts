import type { Logger } from 'pino';
import type { App } from './app';

/**
 * On SIGTERM or SIGINT: stop accepting, let in-flight requests finish, close the database, then
 * exit (0 when clean). A second signal while stopping changes nothing.
 */
export function stopOnSignals(app: App, log: Logger, exit: (code: number) => void = process.exit): () => void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing in-flight requests');
    app.stop().then(
      () => exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'unclean shutdown');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  return () => {
    process.off('SIGTERM', shutdown);
    process.off('SIGINT', shutdown);
  };
}
