import { AgentCategory, Modality } from '../../catalogue/catalogue.enums';
import type { DemoTraining } from './demo.types';

/** Demo catalogue: the Ministry of Agriculture's offers and digital skills. */
export const agricultureAndDigitalTrainings: DemoTraining[] = [
  {
    externalRef: 'MAA-2026-014',
    title: 'RenoiRH pour les gestionnaires RH de proximité',
    summary:
      "Prendre en main le système d'information RH RenoiRH pour gérer au quotidien les dossiers des agents de sa structure.",
    objectives: [
      "Naviguer dans RenoiRH et retrouver le dossier d'un agent",
      'Saisir et contrôler les actes courants : congés, temps partiel, changements de situation',
      'Éditer les documents et tableaux de bord utiles au pilotage de proximité',
      "Connaître les circuits de validation avec le bureau de gestion ministériel",
    ],
    content:
      "Parcours à distance — Découverte de l'interface et des habilitations (2 heures)\nJournée en présentiel — Exercices sur une base de formation : saisie des actes de gestion, contrôles, éditions et requêtes\nUne fiche mémo par type d'acte est remise à chaque participant.",
    prerequisites: "Disposer d'une habilitation RenoiRH ou être en cours de prise de poste sur des fonctions RH.",
    audience:
      "Gestionnaires RH de proximité des services du ministère de l'Agriculture et de la Souveraineté alimentaire (DRAAF, DDI, établissements d'enseignement agricole).",
    audienceRule: { partners: ['maa'], categories: [], functions: ['gestionnaire rh'] },
    targetJobs: ['Gestionnaire des ressources humaines de proximité'],
    modality: Modality.HYBRID,
    durationMinutes: 540,
    certifying: false,
    keywords: ['renoirh', 'sirh', 'gestion administrative', 'ressources humaines'],
    licence: 'LicenseRef-all-rights-reserved',
    collection: 'ressources-humaines',
    partner: 'maa',
    coFunders: [],
    publishedDaysAgo: 9,
    sessions: [
      {
        startsInDays: -48,
        hours: 9,
        capacity: 12,
        location: "Paris — Ministère de l'Agriculture, 78 rue de Varenne",
      },
      {
        startsInDays: 22,
        hours: 9,
        capacity: 12,
        location: 'Toulouse — DRAAF Occitanie, Cité administrative',
      },
      {
        startsInDays: 55,
        hours: 9,
        capacity: 12,
        location: "Paris — Ministère de l'Agriculture, 78 rue de Varenne",
      },
    ],
  },
  {
    externalRef: 'MAA-2026-015',
    title:
      "L'IFT (indicateur de fréquence de traitements phytosanitaires) pour les agents concernés par les produits phytopharmaceutiques",
    summary:
      "Comprendre le mode de calcul de l'IFT, savoir l'interpréter et l'utiliser dans l'accompagnement des exploitations et le contrôle des pratiques.",
    objectives: [
      "Définir l'IFT et ses différentes composantes (herbicides, hors herbicides, biocontrôle)",
      "Calculer un IFT à partir d'un registre de traitements",
      "Interpréter l'IFT au regard des références régionales",
      "Utiliser l'IFT dans le cadre du plan Écophyto et des mesures agroenvironnementales",
    ],
    content:
      "Séquence 1 — Les produits phytopharmaceutiques et la politique de réduction de leur usage\nSéquence 2 — La méthode de calcul de l'IFT et les doses de référence\nSéquence 3 — Cas pratiques de calcul sur des itinéraires techniques réels\nSéquence 4 — L'IFT dans les dispositifs publics : Écophyto, MAEC, certification environnementale\nUn tuteur répond aux questions et corrige les exercices tout au long du parcours.",
    prerequisites:
      "Connaître les bases de l'agronomie et de la réglementation des produits phytopharmaceutiques.",
    audience:
      "Ingénieurs et techniciens du ministère chargés du suivi, de l'accompagnement ou du contrôle de l'utilisation des produits phytopharmaceutiques.",
    audienceRule: {
      partners: ['maa'],
      categories: [AgentCategory.A, AgentCategory.B],
      functions: [],
    },
    targetJobs: ['Inspecteur en protection des végétaux', 'Chargé de mission agroécologie'],
    modality: Modality.ONLINE_TUTORED,
    durationMinutes: 420,
    certifying: true,
    keywords: ['ift', 'phytosanitaire', 'écophyto', 'agroécologie'],
    licence: 'CC-BY-SA-4.0',
    collection: 'missions-des-ministeres',
    partner: 'maa',
    coFunders: [],
    publishedDaysAgo: 27,
    sessions: [
      { startsInDays: -80, hours: 7, capacity: 25, location: 'En ligne' },
      { startsInDays: 30, hours: 7, capacity: 25, location: 'En ligne' },
    ],
  },
  {
    externalRef: 'MAA-2025-031',
    title: 'Concevoir et animer une classe virtuelle',
    summary:
      "Concevoir une séquence de formation à distance engageante et l'animer avec aisance dans un outil de classe virtuelle.",
    objectives: [
      'Scénariser une classe virtuelle en alternant apports et activités',
      "Choisir et préparer les outils d'interaction : sondages, sous-groupes, tableau blanc",
      'Animer un groupe à distance et gérer les imprévus techniques',
      "Évaluer les acquis et la satisfaction des participants",
    ],
    content:
      "Demi-journée 1 — Les spécificités de l'apprentissage à distance et la scénarisation\nDemi-journée 2 — Prise en main des fonctionnalités d'animation\nDemi-journée 3 — Chaque participant anime une séquence de vingt minutes, suivie d'un retour collectif",
    prerequisites: 'Animer déjà des formations en présentiel.',
    audience:
      "Formateurs internes occasionnels ou permanents souhaitant transposer leurs formations à distance.",
    audienceRule: { partners: [], categories: [], functions: ['formateur'] },
    targetJobs: ['Formateur', 'Ingénieur de formation'],
    modality: Modality.VIRTUAL_CLASS,
    durationMinutes: 630,
    certifying: false,
    keywords: ['classe virtuelle', 'formation à distance', 'animation', 'pédagogie'],
    licence: 'CC-BY-NC-SA-4.0',
    collection: 'numerique',
    partner: 'maa',
    coFunders: ['dinum'],
    publishedDaysAgo: 160,
    sessions: [
      { startsInDays: -65, hours: 10.5, capacity: 10, location: 'En ligne' },
      { startsInDays: 10, hours: 10.5, capacity: 10, location: 'En ligne' },
    ],
  },
  {
    externalRef: 'MAA-2024-007',
    title: 'Les contrôles officiels en sécurité sanitaire des aliments : les fondamentaux',
    summary:
      "Trois journées pour maîtriser la méthodologie de l'inspection en sécurité sanitaire des aliments, de la préparation du contrôle aux suites administratives.",
    objectives: [
      'Connaître le cadre européen et national des contrôles officiels',
      "Préparer et conduire une inspection d'établissement",
      "Rédiger un rapport d'inspection et proposer des suites adaptées",
    ],
    content:
      "Jour 1 — Le paquet hygiène et le règlement sur les contrôles officiels\nJour 2 — Méthodologie d'inspection et visite accompagnée d'un établissement\nJour 3 — Rédaction du rapport, suites administratives et pénales",
    prerequisites: "Exercer ou être appelé à exercer des missions d'inspection en sécurité sanitaire des aliments.",
    audience:
      "Inspecteurs et techniciens des services vétérinaires et des directions départementales de la protection des populations.",
    audienceRule: { partners: [], categories: [], functions: [] },
    targetJobs: ['Inspecteur en sécurité sanitaire des aliments'],
    modality: Modality.ENRICHED_PRESENTIAL,
    durationMinutes: 1260,
    certifying: false,
    keywords: ['sécurité sanitaire', 'inspection', 'alimentation', 'contrôle'],
    licence: 'CC-BY-NC-ND-4.0',
    collection: 'missions-des-ministeres',
    partner: 'maa',
    coFunders: [],
    publishedDaysAgo: 380,
    sessions: [
      {
        startsInDays: -200,
        hours: 21,
        capacity: 16,
        location: "Marcy-l'Étoile — ENSV-FVI, 1 avenue Bourgelat",
      },
      {
        startsInDays: -95,
        hours: 21,
        capacity: 16,
        location: "Marcy-l'Étoile — ENSV-FVI, 1 avenue Bourgelat",
      },
    ],
  },
  {
    externalRef: 'DINUM-CN-001',
    title: 'Accessibilité numérique : concevoir des services conformes au RGAA',
    summary:
      "Comprendre les obligations d'accessibilité des services publics numériques et appliquer le référentiel général d'amélioration de l'accessibilité (RGAA).",
    objectives: [
      'Comprendre les besoins des personnes en situation de handicap face au numérique',
      "Connaître les obligations légales : déclaration d'accessibilité, schéma pluriannuel",
      'Appliquer les principaux critères du RGAA à une page web',
      "Intégrer l'accessibilité dans la conduite d'un projet numérique",
    ],
    content:
      "Module 1 — Handicap et technologies d'assistance\nModule 2 — Le cadre légal et le RGAA\nModule 3 — Images, couleurs, formulaires et navigation au clavier\nModule 4 — Auditer une page et rédiger une déclaration d'accessibilité\nÉvaluation finale donnant lieu à une attestation",
    prerequisites: null,
    audience:
      "Chefs de projet, développeurs, designers, rédacteurs web et toute personne intervenant sur un service numérique public.",
    audienceRule: { partners: [], categories: [], functions: [] },
    targetJobs: ['Chef de projet numérique', 'Développeur', 'Rédacteur web'],
    modality: Modality.SELF_PACED,
    durationMinutes: 480,
    certifying: true,
    keywords: ['accessibilité', 'rgaa', 'handicap', 'numérique', 'web'],
    licence: 'etalab-2.0',
    collection: 'numerique',
    partner: 'dinum',
    coFunders: [],
    publishedDaysAgo: 260,
    sessions: [
      { startsInDays: 180, hours: 8, opensDaysBefore: 365, capacity: null, location: 'En ligne' },
    ],
  },
  {
    externalRef: 'DINUM-CN-002',
    title: "Cybersécurité : les bons réflexes d'hygiène informatique",
    summary:
      "Adopter au quotidien les gestes qui protègent son poste, ses données et son administration contre les cyberattaques les plus courantes.",
    objectives: [
      "Reconnaître une tentative d'hameçonnage",
      'Gérer ses mots de passe et activer la double authentification',
      'Protéger ses équipements en situation de mobilité et de télétravail',
      "Savoir réagir et signaler un incident de sécurité",
    ],
    content:
      "Module 1 — Panorama de la menace\nModule 2 — Mots de passe et authentification\nModule 3 — Messagerie et hameçonnage\nModule 4 — Nomadisme, télétravail et supports amovibles\nModule 5 — Que faire en cas d'incident ?",
    prerequisites: null,
    audience: 'Tous les agents publics utilisant un poste de travail ou un téléphone professionnel.',
    audienceRule: { partners: [], categories: [], functions: [] },
    targetJobs: ['Assistant administratif', 'Gestionnaire administratif'],
    modality: Modality.SELF_PACED,
    durationMinutes: 240,
    certifying: true,
    keywords: ['cybersécurité', 'hameçonnage', 'mots de passe', 'sécurité informatique'],
    licence: 'CC-BY-4.0',
    collection: 'numerique',
    partner: 'dinum',
    coFunders: [],
    publishedDaysAgo: 55,
    sessions: [
      { startsInDays: 180, hours: 4, opensDaysBefore: 365, capacity: null, location: 'En ligne' },
    ],
  },
  {
    externalRef: 'DINUM-CN-003',
    title: "Données et intelligence artificielle : comprendre pour agir dans l'administration",
    summary:
      "Un parcours tutoré de quatre semaines pour comprendre ce que les données et l'IA peuvent apporter à son service, et dans quelles conditions.",
    objectives: [
      "Comprendre les notions de donnée, d'algorithme et d'apprentissage automatique",
      "Identifier des cas d'usage pertinents de l'IA dans son activité",
      "Connaître le cadre juridique : RGPD, règlement européen sur l'IA, transparence des algorithmes publics",
      "Utiliser un assistant d'IA générative de façon sûre et responsable",
    ],
    content:
      "Semaine 1 — La donnée, un actif de l'action publique\nSemaine 2 — Comprendre l'intelligence artificielle sans jargon\nSemaine 3 — Droit, éthique et souveraineté\nSemaine 4 — Atelier : formuler un cas d'usage pour son service\nChaque semaine comprend une classe virtuelle d'une heure avec les tuteurs.",
    prerequisites: null,
    audience:
      "Agents et cadres de toutes filières souhaitant comprendre les enjeux de la donnée et de l'IA, sans prérequis technique.",
    audienceRule: { partners: [], categories: [], functions: [] },
    targetJobs: ['Chef de projet numérique', 'Chargé de mission', 'Data scientist'],
    modality: Modality.ONLINE_TUTORED,
    durationMinutes: 720,
    certifying: false,
    keywords: ['intelligence artificielle', 'données', 'ia générative', 'éthique'],
    licence: 'CC-BY-SA-4.0',
    collection: 'numerique',
    partner: 'dinum',
    coFunders: ['dgafp'],
    publishedDaysAgo: 38,
    sessions: [
      { startsInDays: -42, hours: 12, capacity: 40, location: 'En ligne' },
      { startsInDays: 24, hours: 12, capacity: 40, location: 'En ligne' },
      { startsInDays: 85, hours: 12, capacity: 40, location: 'En ligne' },
    ],
  },
  {
    externalRef: 'DINUM-CN-004',
    title: 'Communauté des référents numériques et des porteurs de projets',
    summary:
      "Un espace d'échange entre pairs pour partager les réussites, les difficultés et les outils des projets numériques de l'État.",
    objectives: [
      "Partager des retours d'expérience de projets numériques",
      'Découvrir les communs numériques et les services de la DINUM',
      "Trouver de l'entraide auprès d'autres porteurs de projets",
    ],
    content:
      "Un rendez-vous mensuel en visioconférence : un porteur de projet présente sa démarche pendant vingt minutes, puis la communauté échange librement. Les supports et les enregistrements sont partagés sous licence libre.",
    prerequisites: null,
    audience:
      "Référents numériques, chefs de projet, intrapreneurs et toute personne portant un projet de transformation numérique.",
    audienceRule: { partners: [], categories: [], functions: [] },
    targetJobs: ['Chef de projet numérique', 'Responsable de la transformation numérique'],
    modality: Modality.PEER_EXCHANGE,
    durationMinutes: null,
    certifying: false,
    keywords: ['communauté', 'projets numériques', 'communs', 'entraide'],
    licence: 'CC0-1.0',
    collection: 'transformation-de-l-action-publique',
    partner: 'dinum',
    coFunders: [],
    publishedDaysAgo: 2,
    sessions: [
      { startsInDays: -7, hours: 2, capacity: null, location: 'En ligne' },
      { startsInDays: 23, hours: 2, capacity: null, location: 'En ligne' },
    ],
  },
];
