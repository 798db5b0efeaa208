import type { EmbeddedFactory } from './embedded-factory';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { mentorDbFactory?: EmbeddedFactory }).mentorDbFactory?.stop();
}
