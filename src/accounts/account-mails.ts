import { composeMail, type Mail } from '../mail/mail';
import { TOKEN_LIFETIME_HOURS } from './account-tokens';
import { AccountTokenPurpose } from './account-token.entity';

interface Recipient {
  email: string;
  displayName: string;
}

const greeting = (user: Recipient) => `Bonjour ${user.displayName},`;

export function verificationMail(appUrl: string, user: Recipient, token: string): Mail {
  return composeMail(user.email, {
    subject: 'Confirmez votre adresse e-mail sur Mentor',
    greeting: greeting(user),
    paragraphs: [
      'Votre compte Mentor est créé. Pour vous inscrire aux formations et être reconnu comme agent de votre administration, confirmez que cette adresse est bien la vôtre.',
    ],
    action: { label: 'Confirmer mon adresse', url: `${appUrl}/verification?token=${encodeURIComponent(token)}` },
    after: [
      `Ce lien est valable ${TOKEN_LIFETIME_HOURS[AccountTokenPurpose.VERIFY_EMAIL]} heures et ne sert qu’une fois.`,
      'Si vous n’avez pas créé de compte sur Mentor, ignorez ce message : sans confirmation, le compte ne compte pour aucune administration.',
    ],
  });
}

/** To the owner of an address someone tried to register again: the answer to that person says nothing. */
export function accountExistsMail(appUrl: string, user: Recipient): Mail {
  return composeMail(user.email, {
    subject: 'Tentative de création d’un compte Mentor avec votre adresse',
    greeting: greeting(user),
    paragraphs: [
      'Quelqu’un vient d’essayer de créer un compte Mentor avec votre adresse e-mail. Votre compte existe déjà : rien n’a été modifié.',
      'Si c’était vous, connectez-vous avec votre mot de passe habituel, ou choisissez-en un nouveau.',
    ],
    action: { label: 'Choisir un nouveau mot de passe', url: `${appUrl}/mot-de-passe` },
    after: ['Si ce n’était pas vous, vous n’avez rien à faire.'],
  });
}

export function passwordResetMail(appUrl: string, user: Recipient, token: string): Mail {
  return composeMail(user.email, {
    subject: 'Choisissez un nouveau mot de passe Mentor',
    greeting: greeting(user),
    paragraphs: ['Vous avez demandé à changer le mot de passe de votre compte Mentor.'],
    action: { label: 'Choisir un nouveau mot de passe', url: `${appUrl}/mot-de-passe?token=${encodeURIComponent(token)}` },
    after: [
      `Ce lien est valable ${TOKEN_LIFETIME_HOURS[AccountTokenPurpose.RESET_PASSWORD]} heure et ne sert qu’une fois. Une fois le mot de passe changé, vos autres sessions sont fermées.`,
      'Si vous n’avez rien demandé, ignorez ce message : votre mot de passe reste le même.',
    ],
  });
}

export function passwordChangedMail(appUrl: string, user: Recipient): Mail {
  return composeMail(user.email, {
    subject: 'Votre mot de passe Mentor a changé',
    greeting: greeting(user),
    paragraphs: ['Le mot de passe de votre compte Mentor vient d’être changé, et vos autres sessions ont été fermées.'],
    action: { label: 'Ce n’était pas moi : choisir un nouveau mot de passe', url: `${appUrl}/mot-de-passe` },
  });
}
