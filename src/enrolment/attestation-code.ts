import { randomInt } from 'node:crypto';

/** Crockford's base 32: no I, L, O or U, so that a code read aloud or retyped is not misread. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 16 symbols: 80 random bits, beyond guessing. */
const LENGTH = 16;

export function newAttestationCode(): string {
  return Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}

/**
 * A code as a person may type it: any case, with spaces or dashes, O for 0 and I or L for 1
 * (Crockford's decoding). Null when it cannot be a code at all.
 */
export function normaliseAttestationCode(typed: string): string | null {
  const code = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return code.length === LENGTH && [...code].every(symbol => ALPHABET.includes(symbol)) ? code : null;
}
