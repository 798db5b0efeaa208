import type { Logger } from 'pino';
import type { App } from './app';

/**
 * An orchestrator kills a process this long after its SIGTERM (Kubernetes' default grace is 30 s,
 * ours is documented as 10 s): past it, the process exits by itself, unclean, rather than be killed
 * in the middle of closing.
 */
const HARD_EXIT_MS = 9_500;

/**
 * On SIGTERM or SIGINT: stop accepting, let in-flight requests finish, close the database, then
 * exit (0 when clean; 1 past HARD_EXIT_MS). A second signal while stopping changes nothing.
 */
export function stopOnSignals(app: App, log: Logger, exit: (code: number) => void = process.exit): () => void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing in-flight requests');
    const deadline = setTimeout(() => {
      log.error({ afterMs: HARD_EXIT_MS }, 'shutdown took too long: exiting now');
      exit(1);
    }, HARD_EXIT_MS).unref();
    app.stop().finally(() => clearTimeout(deadline)).then(
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
