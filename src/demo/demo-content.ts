/** Demo editorial content: the FAQ and the guided tour of the front end. */

/** In display order within each category (positions are numbered from it). */
export interface DemoFaqEntry {
  question: string;
  answer: string;
  category: string;
}

/** In display order within each page (positions are numbered from it). */
export interface DemoTourStep {
  page: string;
  target: string;
  title: string;
  body: string;
}

export const demoFaq: DemoFaqEntry[] = [
  {
    question: "Qui peut s'inscrire sur Mentor ?",
    answer:
      "Mentor est ouvert aux agents publics des administrations partenaires, titulaires comme contractuels. Créez votre compte avec votre adresse électronique professionnelle : c'est elle qui permet de vous rattacher à votre administration. Certaines formations sont réservées à un ministère, à une catégorie ou à une fonction ; leur fiche l'indique dans la rubrique « Public ».",
    category: 'Compte',
  },
  {
    question: 'Les formations sont-elles gratuites ?',
    answer:
      "Oui. Les formations proposées sur Mentor sont financées par les administrations partenaires et sont gratuites pour les agents. Une formation suivie sur le temps de travail reste soumise à l'accord de votre hiérarchie, en particulier pour les sessions en présentiel.",
    category: 'Inscription',
  },
  {
    question: 'Comment obtenir mon attestation de formation ?',
    answer:
      "Lorsque vous avez suivi l'intégralité d'une session, et réussi l'évaluation finale pour les formations certifiantes, votre attestation est générée automatiquement. Vous la retrouvez au format PDF dans la rubrique « Mes inscriptions », d'où vous pouvez la télécharger et la transmettre à votre service RH.",
    category: 'Attestations',
  },
  {
    question: "Qu'est-ce que la liste d'attente ?",
    answer:
      "Lorsqu'une session est complète, vous pouvez vous inscrire sur liste d'attente. Si une place se libère, elle est proposée aux personnes inscrites dans l'ordre d'arrivée et vous êtes prévenu par courriel. Votre inscription devient alors définitive, sans autre démarche de votre part.",
    category: 'Inscription',
  },
  {
    question: 'À quoi sert mon espace de fichiers personnel ?',
    answer:
      "La rubrique « Mes fichiers » vous permet de déposer les documents utiles à votre parcours : accord de votre supérieur hiérarchique, travaux demandés par le formateur, attestations obtenues ailleurs. Ces fichiers ne sont visibles que par vous : ni les formateurs ni les administrateurs n’y ont accès. Jusqu’à 25 Mio par fichier et 100 Mio en tout ; vous pouvez les télécharger ou les supprimer à tout moment.",
    category: 'Compte',
  },
  {
    question: 'Puis-je réutiliser les ressources pédagogiques des formations ?',
    answer:
      "La plupart des ressources sont publiées sous licence Creative Commons ou sous Licence Ouverte Etalab. Vous pouvez les réutiliser dans le respect des conditions de la licence indiquée sur chaque fiche : citer l'auteur, et selon les cas ne pas en faire d'usage commercial, partager vos adaptations sous la même licence ou ne pas les modifier. Les ressources marquées « Tous droits réservés » ne peuvent pas être réutilisées sans l'autorisation de leur auteur.",
    category: 'Ressources',
  },
];

export const demoTour: DemoTourStep[] = [
  {
    page: '/',
    target: '#catalogue-search',
    title: 'Trouvez une formation',
    body: 'Saisissez un mot-clé, un thème ou un métier, puis affinez les résultats par modalité, durée ou organisme.',
  },
  {
    page: '/',
    target: '#collections',
    title: 'Parcourez les collections',
    body: "Les formations sont regroupées par grands domaines : achat public, management, numérique, transition écologique… Une bonne porte d'entrée pour découvrir l'offre.",
  },
  {
    page: '/formations/:slug',
    target: '#training-sessions',
    title: 'Choisissez une session',
    body: "Chaque formation propose une ou plusieurs sessions. Vérifiez les dates, le lieu et les places disponibles, puis inscrivez-vous en un clic.",
  },
  {
    page: '/mon-espace',
    target: '#my-enrolments',
    title: 'Suivez vos inscriptions',
    body: "Retrouvez ici vos sessions à venir, votre position sur liste d'attente et vos attestations de formation.",
  },
  {
    page: '/mon-espace',
    target: '#my-files',
    title: 'Rangez vos documents',
    body: 'Déposez dans votre espace personnel les documents utiles à votre parcours de formation. Ils restent privés : vous seul pouvez les ouvrir.',
  },
];
