import { availableParallelism } from 'node:os';
import argon2 from 'argon2';
import type { PasswordHashing } from '../config';
import { DomainError } from '../graphql/errors';

/** Hashes computed at once per process: argon2 runs on libuv's threads (4 by default), one core each. */
export const HASHING_SLOTS = Math.max(2, Math.min(availableParallelism(), 4));
/** How long a caller may wait for a slot before being told to come back, and how many may wait. */
export const HASHING_WAIT_MS = 2_000;
export const HASHING_QUEUE = HASHING_SLOTS * 8;

let busy = 0;
const waiting: (() => void)[] = [];

/** Hashes under way and callers waiting for a slot, now: what the bounds above keep in check. */
export function hashingLoad(): { busy: number; waiting: number } {
  return { busy, waiting: waiting.length };
}

const tooBusy = () => new DomainError('TOO_MANY_REQUESTS', 'Le service de connexion est très sollicité : réessayez dans quelques secondes.');

/**
 * Runs a hash computation with at most HASHING_SLOTS at once: past a short wait (or a full
 * queue) the caller gets TOO_MANY_REQUESTS rather than queueing behind a flood of sign-ins.
 */
async function inHashingSlot<T>(work: () => Promise<T>): Promise<T> {
  if (busy >= HASHING_SLOTS) {
    if (waiting.length >= HASHING_QUEUE) throw tooBusy();
    await new Promise<void>((resolve, reject) => {
      const turn = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(turn), 1);
        reject(tooBusy());
      }, HASHING_WAIT_MS);
      waiting.push(turn);
    });
  } else {
    busy += 1;
  }
  try {
    return await work();
  } finally {
    // The slot passes straight to the next in line, or is freed.
    const next = waiting.shift();
    if (next) next();
    else busy -= 1;
  }
}

/**
 * argon2id with the library's defaults (64 MiB, 3 passes): OWASP's recommended family. `fast` is
 * for test suites (see Config.passwordHashing); a hash states its own parameters, so either verifies.
 */
const PARAMETERS: Record<PasswordHashing, argon2.HashOptions & { raw?: false }> = {
  standard: { type: argon2.argon2id },
  fast: { type: argon2.argon2id, memoryCost: 1024, timeCost: 1 },
};
let parameters = PARAMETERS.standard;

// Verified when the e-mail is unknown, so that both failures take the same time.
let decoy: Promise<string> | null = null;

/** Set once at start from the configuration. */
export function usePasswordHashing(choice: PasswordHashing): void {
  parameters = PARAMETERS[choice];
  decoy = null;
}

export function hashPassword(password: string): Promise<string> {
  return inHashingSlot(() => argon2.hash(password, parameters));
}

/**
 * Whether `password` matches `hash` (null: an unknown account, checked against a decoy for the same
 * time). `beforeCheck` runs once a hashing slot is held, just before the check: a login counts its
 * attempt there, so that a caller told TOO_MANY_REQUESTS has not spent one of its attempts.
 */
export async function verifyPassword(hash: string | null, password: string, beforeCheck?: () => Promise<void>): Promise<boolean> {
  const against = hash ?? (await (decoy ??= argon2.hash('decoy password for unknown accounts', parameters)));
  const matches = await inHashingSlot(async () => {
    await beforeCheck?.();
    return argon2.verify(against, password);
  });
  return hash !== null && matches;
}
