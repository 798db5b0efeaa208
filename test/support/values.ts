/** An ISO date `days` from now (fractions allowed, negative for the past). */
export const day = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString();

/** The database id behind a global id, for SQL checks ("TrainingSession:<uuid>" → "<uuid>"). */
export const localId = (globalId: string): string => Buffer.from(globalId, 'base64url').toString().split(':')[1];
