const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface DecodedGlobalId {
  type: string;
  id: string;
}

/** Opaque global ids (Relay's Global Object Identification): base64url of "Type:uuid". */
export function toGlobalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

/** null for anything that is not a well-formed global id, so callers answer "not found", never crash. */
export function fromGlobalId(globalId: string): DecodedGlobalId | null {
  if (globalId.length > 200 || !/^[A-Za-z0-9_-]+$/.test(globalId)) return null;
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator <= 0) return null;
  const type = decoded.slice(0, separator);
  const id = decoded.slice(separator + 1);
  return UUID.test(id) ? { type, id } : null;
}

/** The local id behind a global id of the expected type, or null. */
export function localIdOf(globalId: string, expectedType: string): string | null {
  const decoded = fromGlobalId(globalId);
  return decoded?.type === expectedType ? decoded.id : null;
}
