import { AgentCategory, Modality } from '../../catalogue/catalogue.enums';
import type { DemoTraining } from './demo.types';

/** Demo catalogue: the State's organisation, public finances, legal techniques and public procurement. */
export const stateAndProcurementTrainings: DemoTraining[] = [
  {
    externalRef: 'IRA-LYON-2025-001',
    title: "L'organisation territoriale de l'État",
    summary:
      "Un module en autonomie pour comprendre qui fait quoi entre administrations centrales, préfectures, directions régionales et directions départementales interministérielles.",
    objectives: [
      "Décrire l'architecture de l'administration territoriale de l'État",
      'Distinguer les rôles du préfet de région et du préfet de département',
      'Situer les directions départementales interministérielles (DDI) et les services régionaux',
      "Comprendre l'articulation entre l'État territorial et les collectivités",
    ],
    content:
      "Module 1 — Déconcentration et décentralisation : les principes\nModule 2 — Le préfet, représentant de l'État dans le territoire\nModule 3 — Les directions régionales et les DDI\nModule 4 — Les opérateurs et les relations avec les collectivités territoriales\nQuiz final",
    prerequisites: null,
    audience:
      "Tous les agents de l'État, en particulier les nouveaux arrivants dans les services déconcentrés.",
    audienceRule: { partners: [], categories: [], functions: [] },
    targetJobs: ['Gestionnaire administratif', 'Chargé de mission', 'Assistant de direction'],
    modality: Modality.SELF_PACED,
    durationMinutes: 180,
    certifying: false,
    keywords: ['préfecture', 'ddi', 'déconcentration', 'administration territoriale'],
    licence: 'etalab-2.0',
    collection: 'missions-des-ministeres',
    partner: 'ira-lyon',
    coFunders: ['dgafp'],
    publishedDaysAgo: 230,
    sessions: [
      { startsInDays: 180, hours: 3, opensDaysBefore: 365, capacity: null, location: 'En ligne' },
    ],
  },
  {
    externalRef: 'IRA-LYON-2025-006',
    title: "Travailler en préfecture et en DDI : l'action interministérielle dans les territoires",
    summary:
      "Deux journées d'immersion pour comprendre le fonctionnement d'une préfecture et d'une DDI et la conduite des politiques publiques interministérielles à l'échelon départemental.",
    objectives: [
      'Comprendre le pilotage interministériel par le préfet de département',
      "Connaître les missions des DDT(M), DDPP et DDETS",
      'Identifier les instances de coordination et les circuits de décision',
      "Travailler en mode projet avec des services de ministères différents",
    ],
    content:
      "Jour 1 — Visite d'une préfecture, rencontre avec le secrétaire général et les chefs de service\nJour 2 — Ateliers avec des agents de DDI et étude d'une politique publique territorialisée (gestion de crise, logement, transition écologique)",
    prerequisites:
      "Avoir suivi le module « L'organisation territoriale de l'État » ou disposer de connaissances équivalentes.",
    audience:
      "Agents nouvellement affectés en préfecture, en DDI ou en administration centrale en lien avec les services déconcentrés.",
    audienceRule: { partners: [], categories: [], functions: [] },
    targetJobs: ['Chargé de mission', 'Chef de bureau'],
    modality: Modality.ENRICHED_PRESENTIAL,
    durationMinutes: 840,
    certifying: false,
    keywords: ['préfecture', 'ddi', 'interministériel', 'territoires'],
    licence: 'CC-BY-SA-4.0',
    collection: 'missions-des-ministeres',
    partner: 'ira-lyon',
    coFunders: [],
    publishedDaysAgo: 64,
    sessions: [
      {
        startsInDays: -70,
        hours: 14,
        capacity: 20,
        location: 'Lyon — Préfecture du Rhône, 106 rue Pierre-Corneille',
      },
      { startsInDays: 75, hours: 14, capacity: 20, location: 'Lyon — IRA, 1 rue Chevreul' },
    ],
  },
  {
    externalRef: 'DAE-MP-001',
    title: 'Marchés publics : les fondamentaux',
    summary:
      "Acquérir les notions essentielles du code de la commande publique : principes, seuils, procédures et grandes étapes de la vie d'un marché.",
    objectives: [
      'Connaître les principes fondamentaux de la commande publique',
      'Choisir la procédure adaptée en fonction du besoin et des seuils',
      "Identifier les étapes de la passation à l'exécution",
      "Repérer les principaux risques juridiques et déontologiques",
    ],
    content:
      "Module 1 — Les principes : liberté d'accès, égalité de traitement, transparence\nModule 2 — Définir son besoin et estimer le montant du marché\nModule 3 — Seuils et procédures\nModule 4 — Analyse des offres et attribution\nModule 5 — Exécution, modifications et fin du marché\nÉvaluation finale donnant lieu à une attestation de réussite",
    prerequisites: null,
    audience:
      "Tout agent amené à exprimer un besoin, à participer à un achat ou à suivre l'exécution d'un marché.",
    audienceRule: { partners: [], categories: [], functions: [] },
    targetJobs: ['Acheteur public', 'Gestionnaire de marchés publics'],
    modality: Modality.SELF_PACED,
    durationMinutes: 360,
    certifying: true,
    keywords: ['marchés publics', 'commande publique', 'procédures', 'seuils'],
    licence: 'CC-BY-4.0',
    collection: 'achat-public',
    partner: 'dae',
    coFunders: [],
    publishedDaysAgo: 300,
    sessions: [
      { startsInDays: 180, hours: 6, opensDaysBefore: 365, capacity: null, location: 'En ligne' },
    ],
  },
  {
    externalRef: 'DAE-MP-002',
    title: 'Rédiger un dossier de consultation des entreprises (DCE)',
    summary:
      "Trois demi-journées de classe virtuelle pour rédiger un règlement de consultation et un cahier des charges clairs, sécurisés et ouverts aux PME.",
    objectives: [
      'Structurer un DCE complet et cohérent',
      'Rédiger un cahier des clauses techniques particulières fondé sur le besoin',
      "Définir des critères d'attribution pertinents et leur pondération",
      "Faciliter l'accès des PME par l'allotissement et la simplicité des pièces",
    ],
    content:
      "Demi-journée 1 — Les pièces du DCE et leur articulation\nDemi-journée 2 — Rédiger le CCTP et le règlement de consultation\nDemi-journée 3 — Critères d'attribution, clauses d'exécution et relecture croisée d'un DCE apporté par les participants",
    prerequisites:
      "Avoir suivi « Marchés publics : les fondamentaux » ou justifier d'une première expérience de l'achat public.",
    audience:
      "Acheteurs et rédacteurs de marchés de catégorie A ou B des services de l'État et de ses établissements publics.",
    audienceRule: {
      partners: [],
      categories: [AgentCategory.A, AgentCategory.B],
      functions: ['acheteur'],
    },
    targetJobs: ['Acheteur public', 'Rédacteur de marchés publics'],
    modality: Modality.VIRTUAL_CLASS,
    durationMinutes: 630,
    certifying: false,
    keywords: ['dce', 'cahier des charges', 'marchés publics', 'rédaction'],
    licence: 'CC-BY-NC-SA-4.0',
    collection: 'achat-public',
    partner: 'dae',
    coFunders: [],
    publishedDaysAgo: 140,
    sessions: [
      { startsInDays: -55, hours: 10.5, capacity: 15, location: 'En ligne' },
      { startsInDays: 12, hours: 10.5, capacity: 15, location: 'En ligne', cancelled: true },
      { startsInDays: 26, hours: 10.5, capacity: 15, location: 'En ligne' },
    ],
  },
  {
    externalRef: 'DAE-MP-003',
    title: 'Commande publique responsable : intégrer les considérations sociales et environnementales',
    summary:
      "Mettre l'achat public au service de la transition écologique et de l'inclusion en mobilisant les clauses et critères prévus par le code de la commande publique.",
    objectives: [
      "Connaître les obligations issues de la loi Climat et résilience et du plan national pour des achats durables",
      'Intégrer des clauses sociales et environnementales adaptées au marché',
      "Définir des critères d'attribution environnementaux vérifiables",
      "Suivre et évaluer la performance durable pendant l'exécution",
    ],
    content:
      "Module à distance — Le cadre juridique de l'achat responsable (2 heures)\nJournée en présentiel — Ateliers par famille d'achat (numérique, bâtiment, fournitures, prestations intellectuelles), coût du cycle de vie, clauses d'insertion et retours d'expérience de facilitateurs",
    prerequisites: 'Connaître les procédures de passation des marchés publics.',
    audience:
      "Acheteurs, prescripteurs et référents achats durables des administrations de l'État.",
    audienceRule: { partners: [], categories: [], functions: [] },
    targetJobs: ['Acheteur public', 'Chargé de mission développement durable'],
    modality: Modality.HYBRID,
    durationMinutes: 540,
    certifying: true,
    keywords: ['achat durable', 'clauses sociales', 'environnement', 'commande publique'],
    licence: 'CC-BY-SA-4.0',
    collection: 'achat-public',
    partner: 'dae',
    coFunders: ['dinum'],
    publishedDaysAgo: 33,
    sessions: [
      { startsInDays: -100, hours: 9, capacity: 20, location: 'Paris — Bercy, bâtiment Colbert' },
      { startsInDays: 38, hours: 9, capacity: 20, location: 'Paris — Bercy, bâtiment Colbert' },
      {
        startsInDays: 58,
        hours: 9,
        capacity: 20,
        location: 'Nantes — Cité administrative, 2 rue Marcel-Sembat',
      },
    ],
  },
  {
    externalRef: 'DAE-MP-004',
    title: "Réseau des acheteurs de l'État : ateliers d'échange de pratiques",
    summary:
      "Des ateliers réguliers entre acheteurs pour partager des retours d'expérience, des modèles de documents et l'actualité de la commande publique.",
    objectives: [
      "Partager des pratiques et des documents types entre acheteurs",
      "Décrypter l'actualité juridique et jurisprudentielle",
      'Développer son réseau professionnel interministériel',
    ],
    content:
      "Chaque atelier traite un thème choisi par la communauté (sourçage, négociation, accords-cadres, clauses de révision des prix…). Une partie de la séance est consacrée aux questions des participants, auxquelles répondent les experts de la Direction des achats de l'État.",
    prerequisites: null,
    audience:
      "Acheteurs et gestionnaires de marchés des administrations centrales, des services déconcentrés et des établissements publics.",
    audienceRule: { partners: [], categories: [], functions: [] },
    targetJobs: ['Acheteur public', 'Gestionnaire de marchés publics'],
    modality: Modality.PEER_EXCHANGE,
    durationMinutes: null,
    certifying: false,
    keywords: ['réseau', 'acheteurs', 'échange de pratiques', 'commande publique'],
    licence: 'CC-BY-4.0',
    collection: 'achat-public',
    partner: 'dae',
    coFunders: [],
    publishedDaysAgo: 19,
    sessions: [
      { startsInDays: -14, hours: 2, capacity: 40, location: 'En ligne' },
      { startsInDays: 16, hours: 2, capacity: 40, location: 'En ligne' },
    ],
  },
  {
    externalRef: 'IRA-LYON-2024-022',
    title: "Comprendre la LOLF et le budget de l'État",
    summary:
      "Un parcours tutoré pour comprendre la construction, le vote et l'exécution du budget de l'État dans le cadre de la loi organique relative aux lois de finances.",
    objectives: [
      'Connaître les principes budgétaires et la structure mission-programme-action',
      "Décrire le calendrier de préparation et d'adoption de la loi de finances",
      'Comprendre la démarche de performance : projets et rapports annuels',
      "Situer le rôle du responsable de programme et du responsable de BOP",
    ],
    content:
      "Séquence 1 — Les principes budgétaires et la LOLF\nSéquence 2 — La préparation et le vote du budget\nSéquence 3 — L'exécution et le contrôle\nSéquence 4 — La performance de la dépense publique\nChaque séquence se conclut par un exercice corrigé par le tuteur.",
    prerequisites: null,
    audience:
      "Agents rejoignant une fonction financière ou souhaitant comprendre l'environnement budgétaire de leur service.",
    audienceRule: { partners: [], categories: [], functions: [] },
    targetJobs: ['Gestionnaire budgétaire', 'Contrôleur de gestion'],
    modality: Modality.ONLINE_TUTORED,
    durationMinutes: 480,
    certifying: false,
    keywords: ['lolf', 'budget', 'loi de finances', 'performance'],
    licence: 'etalab-2.0',
    collection: 'finances-publiques',
    partner: 'ira-lyon',
    coFunders: [],
    publishedDaysAgo: 390,
    sessions: [
      { startsInDays: -130, hours: 8, capacity: 30, location: 'En ligne' },
      { startsInDays: -40, hours: 8, capacity: 30, location: 'En ligne' },
    ],
  },
  {
    externalRef: 'IRA-LYON-2025-010',
    title: "La gestion budgétaire et comptable publique (GBCP) : rôles de l'ordonnateur et du comptable",
    summary:
      "Maîtriser la chaîne de la dépense et de la recette publiques telle que l'organise le décret GBCP, de l'engagement juridique au paiement.",
    objectives: [
      "Distinguer les rôles et responsabilités de l'ordonnateur et du comptable public",
      'Suivre les étapes de la chaîne de la dépense : engagement, service fait, liquidation, paiement',
      'Comprendre la comptabilité budgétaire et la comptabilité générale',
      "Mettre en œuvre le contrôle interne budgétaire et comptable",
    ],
    content:
      "Jour 1 — Le décret GBCP, la séparation ordonnateur-comptable et la chaîne de la dépense dans Chorus\nJour 2 — Les recettes, la comptabilité en droits constatés, le contrôle interne et la nouvelle responsabilité des gestionnaires publics",
    prerequisites: "Connaître les principes budgétaires de la LOLF.",
    audience:
      "Gestionnaires budgétaires et comptables, agents des services facturiers et des plateformes Chorus.",
    audienceRule: { partners: [], categories: [], functions: [] },
    targetJobs: ['Gestionnaire budgétaire', 'Comptable public', 'Gestionnaire de marchés publics'],
    modality: Modality.ENRICHED_PRESENTIAL,
    durationMinutes: 840,
    certifying: true,
    keywords: ['gbcp', 'comptabilité publique', 'dépense', 'ordonnateur', 'chorus'],
    licence: 'CC-BY-NC-4.0',
    collection: 'finances-publiques',
    partner: 'ira-lyon',
    coFunders: ['dae'],
    publishedDaysAgo: 120,
    sessions: [
      { startsInDays: -25, hours: 14, capacity: 18, location: 'Lyon — IRA, 1 rue Chevreul' },
      { startsInDays: 52, hours: 14, capacity: 18, location: 'Paris — Bercy, bâtiment Colbert' },
    ],
  },
  {
    externalRef: 'IRA-LYON-2025-012',
    title: 'Rédiger un acte administratif',
    summary:
      "Rédiger des décisions, arrêtés et courriers administratifs juridiquement sûrs, clairs pour leurs destinataires et correctement motivés.",
    objectives: [
      "Identifier la nature de l'acte et l'autorité compétente",
      'Respecter les règles de forme : visas, considérants, articles, signature',
      'Motiver une décision défavorable et mentionner les voies et délais de recours',
      "Éviter les principaux vices de légalité",
    ],
    content:
      "La classe virtuelle se déroule en deux demi-journées. La première présente la typologie des actes, la compétence et les règles de forme. La seconde est consacrée à la motivation, à la notification et à des exercices de rédaction corrigés en direct à partir de cas issus des services des participants.",
    prerequisites: null,
    audience:
      "Agents de catégorie B et A chargés de préparer des décisions individuelles ou des actes réglementaires.",
    audienceRule: { partners: [], categories: [], functions: [] },
    targetJobs: ['Juriste', 'Gestionnaire administratif'],
    modality: Modality.VIRTUAL_CLASS,
    durationMinutes: 420,
    certifying: false,
    keywords: ['acte administratif', 'arrêté', 'motivation', 'légalité'],
    licence: 'CC-BY-ND-4.0',
    collection: 'techniques-et-affaires-juridiques',
    partner: 'ira-lyon',
    coFunders: [],
    publishedDaysAgo: 71,
    sessions: [
      { startsInDays: -15, hours: 7, capacity: 15, location: 'En ligne' },
      { startsInDays: 18, hours: 7, capacity: 15, location: 'En ligne' },
      { startsInDays: 46, hours: 7, capacity: 15, location: 'En ligne' },
    ],
  },
];
