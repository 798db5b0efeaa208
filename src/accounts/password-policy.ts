export const MIN_PASSWORD_LENGTH = 12;

// The most common passwords of at least 12 characters in French and English leak lists.
const COMMON_PASSWORDS = new Set([
  '123456789012', '1234567890123', 'azertyuiopqs', 'azertyuiop12', 'azertyuiop123', 'motdepasse123', 'motdepasse1234',
  'password1234', 'password12345', 'qwertyuiop12', 'qwertyuiop123', '111111111111', '000000000000', 'aaaaaaaaaaaa',
  'abcdefghijkl', 'abc123456789', 'iloveyou1234', 'jetaime123456', 'soleil123456', 'bonjour12345', 'marseille1234',
  'football1234', 'administrateur', 'fonctionpublique', 'motdepassemotdepasse', 'changeme1234', 'welcome12345',
]);

/** Why a password is refused, in French, or null when it is acceptable. */
export function passwordWeakness(password: string, email: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Le mot de passe doit compter au moins ${MIN_PASSWORD_LENGTH} caractères.`;
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) return 'Ce mot de passe est trop courant.';
  const localPart = email.split('@')[0].toLowerCase();
  const rest = localPart.length >= 3 ? lower.split(localPart).join('') : lower;
  if (rest.replace(/[^a-z]/g, '').length === 0 && rest.replace(/\d/g, '').length < 4) {
    return 'Le mot de passe ne doit pas reprendre l’adresse e-mail.';
  }
  return null;
}
