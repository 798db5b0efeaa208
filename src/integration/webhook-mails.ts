import type { EntityManager } from 'typeorm';
import type { Context } from '../context';
import { composeMail, queueMail } from '../mail/mail';

/**
 * A webhook was deactivated after 24 hours of failures: every editor of its partner with a
 * verified mailbox is told, in the transaction that deactivates it.
 */
export async function notifyDeactivation(ctx: Pick<Context, 'outboxWritten'>, manager: EntityManager, webhook: { partnerId: string; url: string }): Promise<void> {
  const editors: { email: string; display_name: string }[] = await manager.query(
    `SELECT u.email, u.display_name FROM user_account u
     WHERE u.email_verified AND EXISTS (SELECT 1 FROM role_grant g WHERE g.user_id = u.id AND g.role = 'EDITOR' AND g.partner_id = $1)
     ORDER BY u.email`,
    [webhook.partnerId],
  );
  const mails = editors.map(editor =>
    composeMail(editor.email, {
      subject: 'Un webhook Mentor a été désactivé',
      greeting: `Bonjour ${editor.display_name},`,
      paragraphs: [
        `Depuis plus de 24 heures, aucun envoi vers le webhook ${webhook.url} n’a réussi : Mentor l’a désactivé et n’y envoie plus d’événements.`,
        'Une fois le récepteur réparé, créez un nouveau webhook (createWebhook) : les événements manqués se relisent dans le flux des changements (catalogueChanges).',
      ],
      after: ['Vous recevez ce message parce que vous êtes éditeur ou éditrice de ce partenaire sur Mentor.'],
    }),
  );
  await queueMail(ctx, manager, mails);
}
