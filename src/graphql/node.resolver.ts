import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { visibleUser } from '../accounts/user.service';
import { findVisibleSession } from '../catalogue/training.service';
import { findFaqEntry, findTourStep } from '../content/content.service';
import type { Context } from '../context';
import { findReadableAttestation } from '../enrolment/attestation.service';
import { findReadableEnrolment } from '../enrolment/enrolment-queries';
import { findOwnFile } from '../files/files.service';
import { findManagedDelivery, findManagedWebhook } from '../integration/webhook.service';
import { findReview, findRevision } from '../review/review-queries';
import { fromGlobalId } from './global-id';
import { Node } from './node';

type NodeFinder = (ctx: Context, id: string) => Promise<Node | null>;

/** Each type is found with the same visibility rules as its dedicated query. */
const finders: Record<string, NodeFinder> = {
  Collection: (ctx, id) => ctx.loaders.collectionById.load(id),
  Partner: (ctx, id) => ctx.loaders.partnerById.load(id),
  Licence: (ctx, id) => ctx.loaders.licenceById.load(id),
  Training: (ctx, id) => ctx.loaders.visibleTrainingById.load(id),
  TrainingSession: findVisibleSession,
  FaqEntry: findFaqEntry,
  TourStep: findTourStep,
  User: visibleUser,
  Review: findReview,
  TrainingRevision: findRevision,
  Enrolment: findReadableEnrolment,
  Attestation: findReadableAttestation,
  Webhook: findManagedWebhook,
  WebhookDelivery: findManagedDelivery,
  PersonalFile: findOwnFile,
};

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by its global id; null when unknown, malformed or hidden.' })
  node(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<Node | null> {
    const decoded = fromGlobalId(id);
    const find = decoded && Object.hasOwn(finders, decoded.type) ? finders[decoded.type] : null;
    return find ? find(ctx, decoded!.id) : Promise.resolve(null);
  }
}
