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

/** The 20 French queries of workload W2: words, plurals, prefixes, a phrase, an exclusion, a typo. */
export const searchQueries = [
  'marchés publics', 'marche public', 'télétravail', 'teletrav', 'risques psychosociaux', 'CPF', 'mobilité',
  '"commande publique"', 'management -distance', 'laïcité', 'égalité professionnelle', 'cybersécurité',
  'intelligence artificielle', 'budget or comptabilité', 'accueil usagers', 'anglais', 'concours oral',
  'transition écologique', 'RenoiRH', 'teletravial',
];
