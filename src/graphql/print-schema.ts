import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildApiSchema } from './schema';

/** The committed SDL: sorted, so that a diff shows what changed and nothing else. */
export function printApiSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

if (require.main === module) {
  // npm runs scripts from the package root, where schema.graphql is committed.
  const target = path.resolve('schema.graphql');
  void buildApiSchema().then(async schema => {
    await writeFile(target, printApiSchema(schema));
    console.log(`wrote ${target}`);
  });
}
