/** What a file is called when its name cleans down to nothing. */
export const DEFAULT_FILE_NAME = 'fichier';

/** A file name's limit in most file systems (ext4, NTFS, APFS count 255 bytes or UTF-16 units). */
const MAX_FILE_NAME_BYTES = 255;

/**
 * Characters a name never keeps: C0 controls, DEL, C1 controls, and the invisible direction
 * marks and overrides (Unicode bidi controls) that make "rapport‮fdp.exe" read as "rapportexe.pdf".
 */
const UNWANTED = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

const segmenter = new Intl.Segmenter('fr', { granularity: 'grapheme' });

/** The longest start of `text` within `maxBytes` of UTF-8, cut between graphemes (never inside a character or an emoji sequence). */
function cutToBytes(text: string, maxBytes: number): string {
  let kept = '';
  let bytes = 0;
  for (const { segment } of segmenter.segment(text)) {
    bytes += Buffer.byteLength(segment, 'utf8');
    if (bytes > maxBytes) break;
    kept += segment;
  }
  return kept;
}

/**
 * A name safe to store and to offer back as a download: what follows the last `/` or `\` (no
 * path), without control or bidi characters, NFC, trimmed, at most 255 bytes of UTF-8 (a long
 * name loses the end of its stem, not its extension), Unicode otherwise kept; `fichier` when
 * nothing is left.
 */
export function cleanFileName(raw: string): string {
  const base = raw.slice(Math.max(raw.lastIndexOf('/'), raw.lastIndexOf('\\')) + 1);
  const name = base.replace(UNWANTED, '').normalize('NFC').trim();
  if (/^\.*$/.test(name)) return DEFAULT_FILE_NAME;
  if (Buffer.byteLength(name, 'utf8') <= MAX_FILE_NAME_BYTES) return name;
  const extension = /\.[^.\s]{1,16}$/u.exec(name)?.[0] ?? '';
  const stem = cutToBytes(name.slice(0, name.length - extension.length), MAX_FILE_NAME_BYTES - Buffer.byteLength(extension, 'utf8')).trimEnd();
  return stem === '' ? cutToBytes(name, MAX_FILE_NAME_BYTES).trimEnd() : stem + extension;
}
