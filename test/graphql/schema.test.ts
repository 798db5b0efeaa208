import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { printApiSchema } from '../../src/graphql/print-schema';
import { buildApiSchema } from '../../src/graphql/schema';

test('schema.graphql is the schema the code builds (run `npm run schema:print` after a change)', async () => {
  const committed = await readFile(path.join(__dirname, '..', '..', 'schema.graphql'), 'utf8');
  expect(printApiSchema(await buildApiSchema())).toBe(committed);
});
