import { Field, Int, ObjectType } from 'type-graphql';
import type { Context } from '../../context';
import { namedQuery, type SqlReader } from '../../db/named-query';
import { Modality } from '../catalogue.enums';
import { Collection } from '../collection.entity';
import { Partner } from '../partner.entity';
import { conjunction, type FacetName, type Predicate } from './predicate';
import { PublicCatalogue } from '../../graphql/cache-control';

@PublicCatalogue()
@ObjectType({ simpleResolvers: true })
export class CollectionFacet {
  @Field(() => Collection)
  collection: Collection;

  @Field(() => Int)
  count: number;
}

@PublicCatalogue()
@ObjectType({ simpleResolvers: true })
export class PartnerFacet {
  @Field(() => Partner)
  partner: Partner;

  @Field(() => Int)
  count: number;
}

@PublicCatalogue()
@ObjectType({ simpleResolvers: true })
export class ModalityFacet {
  @Field(() => Modality)
  modality: Modality;

  @Field(() => Int)
  count: number;
}

@PublicCatalogue()
@ObjectType({ simpleResolvers: true })
export class CertifyingFacet {
  @Field()
  value: boolean;

  @Field(() => Int)
  count: number;
}

@PublicCatalogue()
@ObjectType({
  simpleResolvers: true,
  description: "Counts per filter value over the same search and filters, each facet ignoring its own filter (as shops' filter panels do).",
})
export class TrainingFacets {
  @Field(() => [CollectionFacet], { description: 'All 12 collections, in display order, zero counts included.' })
  collections: CollectionFacet[];

  @Field(() => [PartnerFacet], { description: 'Partners with at least one training, most first.' })
  partners: PartnerFacet[];

  @Field(() => [ModalityFacet], { description: 'Modalities with at least one training, most first.' })
  modalities: ModalityFacet[];

  @Field(() => [CertifyingFacet])
  certifying: CertifyingFacet[];
}

interface FacetRow {
  facet: FacetName;
  value: string;
  count: number;
}

/** All four facets in one statement: one grouped query per facet, joined by UNION ALL. */
async function countFacets(ctx: Context, predicates: Predicate[], prepare: boolean, on: SqlReader | null | undefined): Promise<FacetRow[]> {
  const scoped = (facet: FacetName) => conjunction(predicates, facet);
  const [collections, partners, modalities, certifying] = (['collections', 'partners', 'modalities', 'certifying'] as const).map(scoped);
  const sql = `
    SELECT 'collections' AS facet, c.id::text AS value, count(t.id)::int AS count
      FROM collection c LEFT JOIN training t ON t.collection_id = c.id AND ${collections.sql} GROUP BY c.id
    UNION ALL
    SELECT 'partners', t.partner_id::text, count(*)::int FROM training t WHERE ${partners.sql} GROUP BY t.partner_id
    UNION ALL
    SELECT 'modalities', t.modality::text, count(*)::int FROM training t WHERE ${modalities.sql} GROUP BY t.modality
    UNION ALL
    SELECT 'certifying', t.certifying::text, count(*)::int FROM training t WHERE ${certifying.sql} GROUP BY t.certifying`;
  const params = { ...collections.params, ...partners.params, ...modalities.params, ...certifying.params };
  return namedQuery<FacetRow>(ctx.db, sql, params, { prepare, on });
}

const byCountThen = <T>(tieBreak: (a: T, b: T) => number) => (a: T & { count: number }, b: T & { count: number }) =>
  b.count - a.count || tieBreak(a, b);

/** `prepare`: see namedQuery (not for searches, whose plans depend on the words); `on`: where the list ran (a replica for the public catalogue). */
export async function computeFacets(ctx: Context, predicates: Predicate[], prepare: boolean, on?: SqlReader | null): Promise<TrainingFacets> {
  const rows = await countFacets(ctx, predicates, prepare, on);
  const of = (facet: FacetName) => rows.filter(row => row.facet === facet);
  const collections = await Promise.all(
    of('collections').map(async row => ({ collection: (await ctx.loaders.collectionById.load(row.value))!, count: row.count })),
  );
  const partners = await Promise.all(
    of('partners').map(async row => ({ partner: (await ctx.loaders.partnerById.load(row.value))!, count: row.count })),
  );
  return {
    collections: collections.sort((a, b) => a.collection.position - b.collection.position),
    partners: partners.sort(byCountThen((a, b) => a.partner.slug.localeCompare(b.partner.slug))),
    modalities: of('modalities')
      .map(row => ({ modality: row.value as Modality, count: row.count }))
      .sort(byCountThen((a, b) => a.modality.localeCompare(b.modality))),
    certifying: of('certifying')
      .map(row => ({ value: row.value === 'true', count: row.count }))
      .sort((a, b) => Number(b.value) - Number(a.value)),
  };
}
