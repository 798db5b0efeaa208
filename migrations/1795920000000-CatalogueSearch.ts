import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * French full-text search maintained by PostgreSQL itself: a `french_unaccent` configuration
 * (accents folded, then French stemming), a weighted `search_document` and a trigram `search_text`
 * kept up to date by triggers, and the indexes that search, typo tolerance and TITLE order use.
 */
export class CatalogueSearch1795920000000 implements MigrationInterface {
  name = 'CatalogueSearch1795920000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public`);
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`);
    await queryRunner.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION french_unaccent
          ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
      END IF;
    END $$`);
    // unaccent() is only STABLE (its dictionary could change); pinning the dictionary makes it
    // safe to index, the usual PostgreSQL idiom. Schema-qualified: index builds run with a
    // restricted search_path.
    await queryRunner.query(`CREATE OR REPLACE FUNCTION mentor_unaccent(text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$`);

    await queryRunner.query(`ALTER TABLE "training"
      ADD "search_document" tsvector NOT NULL DEFAULT ''::tsvector,
      ADD "search_prefix" tsvector NOT NULL DEFAULT ''::tsvector,
      ADD "search_text" text NOT NULL DEFAULT ''`);
    await queryRunner.query(`CREATE FUNCTION training_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        partner_text text;
        collection_text text;
      BEGIN
        SELECT p.name || ' ' || p.acronym INTO partner_text FROM partner p WHERE p.id = NEW.partner_id;
        SELECT c.name INTO collection_text FROM collection c WHERE c.id = NEW.collection_id;
        NEW.search_document :=
          setweight(to_tsvector('french_unaccent', NEW.title), 'A') ||
          setweight(to_tsvector('french_unaccent', array_to_string(NEW.keywords, ' ') || ' ' || NEW.summary), 'B') ||
          setweight(to_tsvector('french_unaccent', concat_ws(' ', array_to_string(NEW.objectives, ' '), NEW.audience,
            array_to_string(NEW.target_jobs, ' '), NEW.content)), 'C') ||
          setweight(to_tsvector('french_unaccent', concat_ws(' ', partner_text, collection_text)), 'D');
        -- Unstemmed words, for prefixes: the French stem of "management" is "manag", which the
        -- prefix "managem" would miss.
        NEW.search_prefix := to_tsvector('simple', mentor_unaccent(concat_ws(' ', NEW.title, array_to_string(NEW.keywords, ' '), NEW.summary)));
        NEW.search_text := lower(mentor_unaccent(NEW.title || ' ' || array_to_string(NEW.keywords, ' ')));
        RETURN NEW;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER training_search_refresh
      BEFORE INSERT OR UPDATE OF title, summary, keywords, objectives, audience, target_jobs, content, partner_id, collection_id
      ON training FOR EACH ROW EXECUTE FUNCTION training_search_refresh()`);
    // A renamed partner or collection re-indexes its trainings.
    await queryRunner.query(`CREATE FUNCTION training_search_refresh_owner() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'partner' THEN
          UPDATE training SET partner_id = partner_id WHERE partner_id = NEW.id;
        ELSE
          UPDATE training SET collection_id = collection_id WHERE collection_id = NEW.id;
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER partner_search_refresh AFTER UPDATE OF name, acronym ON partner
      FOR EACH ROW EXECUTE FUNCTION training_search_refresh_owner()`);
    await queryRunner.query(`CREATE TRIGGER collection_search_refresh AFTER UPDATE OF name ON collection
      FOR EACH ROW EXECUTE FUNCTION training_search_refresh_owner()`);
    await queryRunner.query(`UPDATE training SET title = title`);

    await queryRunner.query(`CREATE INDEX "training_search_document_idx" ON "training" USING GIN ("search_document")`);
    await queryRunner.query(`CREATE INDEX "training_search_prefix_idx" ON "training" USING GIN ("search_prefix")`);
    await queryRunner.query(`CREATE INDEX "training_search_text_trgm_idx" ON "training" USING GIN ("search_text" gin_trgm_ops)`);
    await queryRunner.query(`CREATE INDEX "training_title_sort_idx" ON "training" ((lower(mentor_unaccent("title")) COLLATE "C"), "id")`);
    await queryRunner.query(`CREATE INDEX "training_session_open_idx" ON "training_session" ("training_id", "starts_at")
      WHERE NOT "cancelled"`);
    // Facet counts without a search read this index alone (index-only scans).
    await queryRunner.query(`CREATE INDEX "training_facets_idx" ON "training"
      ("status", "collection_id", "partner_id", "modality", "certifying")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "training_facets_idx"`);
    await queryRunner.query(`DROP INDEX "training_session_open_idx"`);
    await queryRunner.query(`DROP INDEX "training_title_sort_idx"`);
    await queryRunner.query(`DROP INDEX "training_search_text_trgm_idx"`);
    await queryRunner.query(`DROP INDEX "training_search_prefix_idx"`);
    await queryRunner.query(`DROP INDEX "training_search_document_idx"`);
    await queryRunner.query(`DROP TRIGGER collection_search_refresh ON collection`);
    await queryRunner.query(`DROP TRIGGER partner_search_refresh ON partner`);
    await queryRunner.query(`DROP FUNCTION training_search_refresh_owner()`);
    await queryRunner.query(`DROP TRIGGER training_search_refresh ON training`);
    await queryRunner.query(`DROP FUNCTION training_search_refresh()`);
    await queryRunner.query(`ALTER TABLE "training" DROP COLUMN "search_text", DROP COLUMN "search_prefix", DROP COLUMN "search_document"`);
    await queryRunner.query(`DROP FUNCTION mentor_unaccent(text)`);
    await queryRunner.query(`DROP TEXT SEARCH CONFIGURATION french_unaccent`);
  }
}
