import 'reflect-metadata';
import { describeImports, importFailures, runImportInProcess } from './import-workload';

/**
 * W6 alone, the API in this process: on a fresh embedded database (PGlite), or on DATABASE_URL
 * (`npm run build && [DATABASE_URL=…] node dist/bench/import-alone.js`). Fails when a promise is broken.
 */
async function main(): Promise<void> {
  const measures = await runImportInProcess(process.env.DATABASE_URL);
  console.log(describeImports(measures).join('\n'));
  const failures = importFailures(measures);
  if (failures.length > 0) {
    console.error(failures.join('\n'));
    process.exitCode = 1;
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
