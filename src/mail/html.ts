/** HTML that is already safe to insert (built by `html`). */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, character => ENTITIES[character]);
}

/**
 * A template whose interpolations are escaped unless they are SafeHtml (or lists of it): a display
 * name or a title with `<script>` stays text.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  const piece = (value: unknown): string =>
    value instanceof SafeHtml ? value.value : Array.isArray(value) ? value.map(piece).join('') : escapeHtml(String(value ?? ''));
  return new SafeHtml(strings.reduce((out, text, index) => out + text + (index < values.length ? piece(values[index]) : ''), ''));
}
