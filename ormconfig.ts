import 'reflect-metadata';
import pino from 'pino';
import { loadConfig } from './src/config';
import { createDataSource } from './src/db/data-source';
import { startEmbeddedPostgres } from './src/db/embedded-postgres';
import { entities } from './src/entities';
import path from 'node:path';

/**
 * The DataSource the TypeORM CLI uses (`npm run migration:generate -- migrations/Name`,
 * `migration:run`, `migration:revert`): the configured DATABASE_URL, else the embedded database
 * in DATA_DIR, stopped when the CLI closes the DataSource.
 */
export const dataSource = (async () => {
  const config = loadConfig();
  const log = pino({ level: 'warn' });
  if (config.databaseUrl !== null) return createDataSource({ url: config.databaseUrl, poolSize: 2, log, entities });
  const embedded = await startEmbeddedPostgres({ dataDir: path.join(config.dataDir, 'pglite'), maxConnections: 2 });
  const source = createDataSource({ url: embedded.url, poolSize: 2, log, entities });
  const destroy = source.destroy.bind(source);
  source.destroy = async () => {
    await destroy();
    await embedded.stop();
  };
  return source;
})();
