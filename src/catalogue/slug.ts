const LIGATURES: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss' };

/** "Marchés publics : l’essentiel" → "marches-publics-l-essentiel" (French accents folded). */
export function slugify(text: string, maxLength = 120): string {
  return text
    .toLowerCase()
    .replace(/[œæß]/g, letter => LIGATURES[letter])
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, maxLength)
    .replace(/^-+|-+$/g, '');
}
