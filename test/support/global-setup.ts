import { startEmbeddedFactory } from './embedded-factory';

/**
 * With DATABASE_URL, each test file creates its own database on that server. Without it, the tests
 * run on embedded PostgreSQL: a factory in this (parent) process gives each file a fresh PGlite.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) return;
  const factory = await startEmbeddedFactory();
  process.env.MENTOR_TEST_DB_FACTORY = factory.url;
  (globalThis as { mentorDbFactory?: typeof factory }).mentorDbFactory = factory;
}
