/** What a download is served as when its type is not on the allow-list: the browser saves it, never renders it. */
const FALLBACK_TYPE = 'application/octet-stream';

/**
 * Types served as they are: documents and images agents exchange, none that a browser would run
 * (no HTML, no SVG, no JavaScript). By extension, for uploads that declare no type or a generic one.
 */
const ALLOWED_BY_EXTENSION: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  txt: 'text/plain',
  csv: 'text/csv',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
  odg: 'application/vnd.oasis.opendocument.graphics',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
  zip: 'application/zip',
};

const ALLOWED = new Set(Object.values(ALLOWED_BY_EXTENSION));

/**
 * The type a file is stored and served with, decided once at upload: the declared one (without
 * parameters) when allowed, else the name's extension's when allowed (browsers declare
 * `application/x-zip-compressed`, curl `application/octet-stream`), else application/octet-stream.
 */
export function storedMimeType(declared: string | undefined, fileName: string): string {
  const type = (declared ?? '').split(';')[0].trim().toLowerCase();
  if (ALLOWED.has(type)) return type;
  const extension = /\.([^.]+)$/.exec(fileName)?.[1].toLowerCase() ?? '';
  return Object.hasOwn(ALLOWED_BY_EXTENSION, extension) ? ALLOWED_BY_EXTENSION[extension] : FALLBACK_TYPE;
}
