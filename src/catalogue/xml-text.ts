/**
 * Text for an XML 1.0 document written by hand (the LHEO export): what the Char production of
 * XML 1.0 §2.2 forbids is dropped (C0 controls but tab, line feed and carriage return; lone
 * surrogates; U+FFFE and U+FFFF), markup characters are escaped.
 */
const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** The characters XML 1.0 allows, and no more than `maxLength` of them (code points, as XSD length facets count), an ellipsis marking a cut. */
export function xmlSafe(value: string, maxLength = Infinity): string {
  const clean = value.replace(FORBIDDEN, '');
  if (maxLength === Infinity) return clean;
  const characters = Array.from(clean);
  return characters.length <= maxLength ? clean : `${characters.slice(0, maxLength - 1).join('')}…`;
}

/** Escaped for element content; a carriage return is kept as a reference (parsers turn a literal one into a line feed). */
export function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** Escaped for a double-quoted attribute value; white space as references (attribute normalisation would turn it into spaces). */
export function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

/** `<name attributes>text</name>`, the text made safe, cut to `maxLength` and escaped. */
export function textElement(name: string, text: string, maxLength?: number, attributes: Record<string, string> = {}): string {
  return `<${name}${attributesOf(attributes)}>${escapeText(xmlSafe(text, maxLength))}</${name}>`;
}

export function attributesOf(attributes: Record<string, string>): string {
  return Object.entries(attributes)
    .map(([key, value]) => ` ${key}="${escapeAttribute(xmlSafe(value))}"`)
    .join('');
}
