import type { Context } from '../context';
import type { PartnerKind } from './catalogue.enums';
import { Collection } from './collection.entity';
import { Licence } from './licence.entity';
import { Partner } from './partner.entity';

export function listCollections(ctx: Context): Promise<Collection[]> {
  return ctx.db.getRepository(Collection).find({ order: { position: 'ASC' } });
}

export function listPartners(ctx: Context, kind: PartnerKind | null | undefined): Promise<Partner[]> {
  return ctx.db.getRepository(Partner).find({ where: kind ? { kind } : {}, order: { slug: 'ASC' } });
}

export function listLicences(ctx: Context): Promise<Licence[]> {
  return ctx.db.getRepository(Licence).find({ order: { code: 'ASC' } });
}
