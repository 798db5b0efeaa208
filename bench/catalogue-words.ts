/** Fragments the generator combines into varied, realistic French catalogue text. */
export const topics = [
  'Marchés publics', 'Commande publique responsable', 'Management à distance', 'Télétravail et organisation',
  'Prévention des risques psychosociaux', 'Compte personnel de formation', 'Mobilité dans la fonction publique',
  'Organisation territoriale de l’État', 'Laïcité et valeurs de la République', 'Égalité professionnelle',
  'Lutte contre les discriminations', 'Accessibilité numérique', 'Cybersécurité', 'Protection des données personnelles',
  'Intelligence artificielle', 'Conduite du changement', 'Entretien professionnel', 'Gestion budgétaire',
  'Comptabilité publique', 'Rédaction administrative', 'Légistique', 'Accueil des usagers', 'Langage clair',
  'Transition écologique', 'Sobriété énergétique', 'Achats durables', 'Anglais professionnel', 'Espagnol professionnel',
  'Préparation aux concours', 'Oral de concours', 'Gestion de projet', 'Animation de réunion', 'Classe virtuelle',
  'Tutorat et accompagnement', 'Qualité de vie au travail', 'Sécurité sanitaire des aliments', 'Produits phytopharmaceutiques',
  'Paie et rémunération', 'RenoiRH', 'Contrôle interne',
];

export const angles = [
  'les fondamentaux', 'perfectionnement', 'pour les encadrants', 'pour les gestionnaires', 'en pratique',
  'cadre juridique et outils', 'études de cas', 'retours d’expérience', 'premiers pas', 'approfondissement',
  'méthodes et postures', 'pour les agents d’accueil', 'dans les services déconcentrés', 'en administration centrale',
  'parcours certifiant', 'atelier collaboratif', 'mise en situation', 'boîte à outils', 'réglementation 2026',
  'piloter et évaluer', 'communiquer efficacement', 'sécuriser ses pratiques', 'innover dans le service public',
  'pour les formateurs', 'pour les acheteurs', 'pour les managers de proximité', 'pour les nouveaux arrivants',
  'démarche et indicateurs', 'enjeux et perspectives', 'du diagnostic à l’action',
];

export const keywordPool = [
  'achat', 'marché', 'management', 'télétravail', 'rps', 'cpf', 'mobilité', 'laïcité', 'égalité', 'numérique',
  'données', 'cybersécurité', 'budget', 'comptabilité', 'droit', 'usagers', 'écologie', 'énergie', 'langues',
  'concours', 'projet', 'réunion', 'formation', 'qualité', 'santé', 'paie', 'contrôle', 'climat', 'accessibilité', 'ia',
];

export const places = [
  'Paris — Bercy', 'Lyon — IRA', 'Lille — IRA', 'Nantes — IRA', 'Bastia — IRA', 'Metz — IRA', 'Toulouse — préfecture',
  'Marseille — préfecture', 'Rennes — DRAAF', 'Bordeaux — SGAR', 'En ligne',
];

/** Lower-case words of at least `min` letters from the catalogue's vocabulary. */
function words(min: number): string[] {
  const all = [...topics, ...angles, ...keywordPool].flatMap(text => text.toLowerCase().split(/[^\p{L}\p{N}]+/u));
  return [...new Set(all.filter(word => word.length >= min))].sort();
}

/** A typo: two letters swapped in the middle of the word (what similarity search must still find). */
const typo = (word: string) => word.slice(0, 2) + word[3] + word[2] + word.slice(4);

/**
 * The queries of workload W2, at least 500 distinct ones so that no cache can carry it: single
 * words, plurals, prefixes typed so far, exact phrases, exclusions, `or`, typos, two-word queries.
 */
export function searchQueries(): string[] {
  const vocabulary = words(5);
  const topicsLower = topics.map(topic => topic.toLowerCase());
  const queries = new Set<string>([
    ...vocabulary,
    ...vocabulary.map(word => (word.endsWith('s') ? word : `${word}s`)),
    ...vocabulary.map(word => word.slice(0, Math.max(4, Math.ceil(word.length * 0.6)))),
    ...topicsLower.map(topic => `"${topic}"`),
    ...topicsLower.map((topic, index) => `${topic.split(' ')[0]} -${vocabulary[(index * 7) % vocabulary.length]}`),
    ...vocabulary.map((word, index) => `${word} or ${vocabulary[(index * 13 + 5) % vocabulary.length]}`),
    ...vocabulary.filter(word => word.length >= 7).map(typo),
    ...vocabulary.map((word, index) => `${word} ${vocabulary[(index * 31 + 11) % vocabulary.length]}`),
  ]);
  return [...queries];
}
