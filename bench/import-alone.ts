import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { describeImports, runImportWorkload } from './import-workload';

/**
 * W6 alone, the API in this process: on a fresh embedded database (PGlite), or on DATABASE_URL
 * (`npm run build && [DATABASE_URL=…] node dist/bench/import-alone.js`).
 */
async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mentor-bench-import-'));
  const jwtSecret = randomBytes(32).toString('base64url');
  const app = await createApp(loadConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: dataDir, DEMO_DATA: 'false', LOG_LEVEL: 'warn', JWT_SECRET: jwtSecret, DATABASE_URL: process.env.DATABASE_URL }));
  try {
    const measures = await runImportWorkload(app.url, (query, parameters) => app.database.dataSource.query(query, parameters), jwtSecret);
    console.log(describeImports(measures).join('\n'));
  } finally {
    await app.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
