import type { MigrationInterface, QueryRunner } from 'typeorm';

// Inlined rather than imported: a migration is a frozen snapshot of what it inserted.
const collections: [slug: string, name: string, description: string][] = [
  ['achat-public', 'Achat public', 'Commande publique, marchés publics, achats responsables.'],
  ['finances-publiques', 'Finances publiques', 'Budget, comptabilité publique, gestion budgétaire et comptable.'],
  ['langues', 'Langues', 'Langues étrangères et français professionnel.'],
  ['ressources-humaines', 'Ressources humaines', 'Gestion des ressources humaines, carrières, formation, mobilité.'],
  ['techniques-et-affaires-juridiques', 'Techniques et affaires juridiques', 'Droit public, légistique, rédaction des actes.'],
  ['missions-des-ministeres', 'Missions des ministères', 'Politiques publiques et métiers propres à chaque ministère.'],
  ['management', 'Management', 'Encadrement, conduite d’équipe, prévention des risques psychosociaux.'],
  ['numerique', 'Numérique', 'Culture numérique, données, outils collaboratifs, cybersécurité.'],
  ['concours-et-examens', 'Concours et examens', 'Préparation aux concours et examens professionnels.'],
  ['valeurs-de-la-republique', 'Valeurs de la République', 'Laïcité, déontologie, égalité, lutte contre les discriminations.'],
  ['transformation-de-l-action-publique', 'Transformation de l’action publique', 'Innovation, simplification, relation aux usagers.'],
  ['transition-ecologique', 'Transition écologique', 'Enjeux climatiques, sobriété, services publics écoresponsables.'],
];

const partners: [slug: string, name: string, acronym: string, kind: string, domain: string][] = [
  ['maa', 'Ministère de l’Agriculture et de l’Alimentation', 'MAA', 'MINISTRY', 'agriculture.gouv.fr'],
  ['dgafp', 'Direction générale de l’administration et de la fonction publique', 'DGAFP', 'INTERMINISTERIAL_DIRECTORATE', 'fonction-publique.gouv.fr'],
  ['dinum', 'Direction interministérielle du numérique', 'DINUM', 'INTERMINISTERIAL_DIRECTORATE', 'numerique.gouv.fr'],
  ['dae', 'Direction des achats de l’État', 'DAE', 'INTERMINISTERIAL_DIRECTORATE', 'finances.gouv.fr'],
  ['ira-lyon', 'Institut régional d’administration de Lyon', 'IRA Lyon', 'SCHOOL', 'ira-lyon.gouv.fr'],
];

const licences: [code: string, name: string, url: string, sharing: boolean, adaptation: boolean, commercial: boolean][] = [
  ['CC-BY-4.0', 'Creative Commons Attribution 4.0', 'https://creativecommons.org/licenses/by/4.0/', true, true, true],
  ['CC-BY-SA-4.0', 'Creative Commons Attribution – Partage dans les mêmes conditions 4.0', 'https://creativecommons.org/licenses/by-sa/4.0/', true, true, true],
  ['CC-BY-NC-4.0', 'Creative Commons Attribution – Pas d’utilisation commerciale 4.0', 'https://creativecommons.org/licenses/by-nc/4.0/', true, true, false],
  ['CC-BY-NC-SA-4.0', 'Creative Commons Attribution – Pas d’utilisation commerciale – Partage dans les mêmes conditions 4.0', 'https://creativecommons.org/licenses/by-nc-sa/4.0/', true, true, false],
  ['CC-BY-ND-4.0', 'Creative Commons Attribution – Pas de modification 4.0', 'https://creativecommons.org/licenses/by-nd/4.0/', true, false, true],
  ['CC-BY-NC-ND-4.0', 'Creative Commons Attribution – Pas d’utilisation commerciale – Pas de modification 4.0', 'https://creativecommons.org/licenses/by-nc-nd/4.0/', true, false, false],
  ['CC0-1.0', 'Creative Commons Zero 1.0 (domaine public)', 'https://creativecommons.org/publicdomain/zero/1.0/', true, true, true],
  ['etalab-2.0', 'Licence Ouverte / Open Licence 2.0 (Etalab)', 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/', true, true, true],
  ['LicenseRef-all-rights-reserved', 'Tous droits réservés', 'https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006069414', false, false, false],
];

/** The contract's reference data; idempotent, so it can meet rows an operator added by hand. */
export class ReferenceData1795917788749 implements MigrationInterface {
  name = 'ReferenceData1795917788749';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const [index, [slug, name, description]] of collections.entries()) {
      await queryRunner.query(
        `INSERT INTO "collection" ("slug", "name", "description", "position") VALUES ($1, $2, $3, $4)
         ON CONFLICT ("slug") DO NOTHING`,
        [slug, name, description, index + 1],
      );
    }
    for (const [slug, name, acronym, kind, domain] of partners) {
      await queryRunner.query(
        `INSERT INTO "partner" ("slug", "name", "acronym", "kind", "email_domains") VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT ("slug") DO NOTHING`,
        [slug, name, acronym, kind, [domain]],
      );
    }
    for (const [code, name, url, sharing, adaptation, commercial] of licences) {
      await queryRunner.query(
        `INSERT INTO "licence" ("code", "name", "url", "allows_sharing", "allows_adaptation", "allows_commercial_use")
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT ("code") DO NOTHING`,
        [code, name, url, sharing, adaptation, commercial],
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "licence" WHERE "code" = ANY($1)`, [licences.map(([code]) => code)]);
    await queryRunner.query(`DELETE FROM "partner" WHERE "slug" = ANY($1)`, [partners.map(([slug]) => slug)]);
    await queryRunner.query(`DELETE FROM "collection" WHERE "slug" = ANY($1)`, [collections.map(([slug]) => slug)]);
  }
}
