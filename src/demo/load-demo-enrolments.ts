import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { User } from '../accounts/user.entity';
import { hashPassword } from '../auth/passwords';
import { AgentCategory } from '../catalogue/catalogue.enums';
import { Partner } from '../catalogue/partner.entity';
import { EnrolmentStatus } from '../enrolment/enrolment.enums';
import { Enrolment } from '../enrolment/enrolment.entity';

/** Sessions filled to the last seat, with a waiting line: what a front end must show as "complet". */
const FULL_SESSIONS = 2;
const WAITING_PER_FULL_SESSION = 2;

/**
 * Demo agents (who cannot sign in: their password is random and forgotten) and their enrolments:
 * the smallest open sessions of unrestricted trainings are filled, with a short waiting line.
 */
export async function loadDemoEnrolments(manager: EntityManager): Promise<number> {
  const sessions: { id: string; capacity: number }[] = await manager.query(
    `SELECT s.id, s.capacity FROM training_session s JOIN training t ON t.id = s.training_id
     WHERE t.status = 'PUBLISHED' AND NOT s.cancelled AND s.capacity IS NOT NULL
       AND s.enrolment_opens_at <= now() AND s.enrolment_closes_at > now()
       AND cardinality(t.audience_partner_ids) = 0 AND cardinality(t.audience_categories) = 0 AND cardinality(t.audience_functions) = 0
     ORDER BY s.capacity, s.starts_at, s.id LIMIT $1`,
    [FULL_SESSIONS],
  );
  if (sessions.length === 0) return 0;
  const needed = Math.max(...sessions.map(session => session.capacity)) + WAITING_PER_FULL_SESSION;
  const employer = await manager.findOneByOrFail(Partner, { slug: 'maa' });
  const passwordHash = await hashPassword(randomBytes(24).toString('base64url'));
  const agents = await manager.save(
    Array.from({ length: needed }, (_, index) =>
      manager.create(User, {
        email: `agent.demo${index + 1}@agriculture.gouv.fr`,
        passwordHash,
        displayName: `Agent de démonstration ${index + 1}`,
        emailVerified: true,
        employerId: employer.id,
        category: [AgentCategory.A, AgentCategory.B, AgentCategory.C][index % 3],
        functions: [],
      }),
    ),
  );
  const enrolments = sessions.flatMap(session =>
    agents.slice(0, session.capacity + WAITING_PER_FULL_SESSION).map((agent, index) =>
      manager.create(Enrolment, {
        userId: agent.id,
        sessionId: session.id,
        status: index < session.capacity ? EnrolmentStatus.CONFIRMED : EnrolmentStatus.WAITLISTED,
        waitlistPosition: index < session.capacity ? null : index - session.capacity + 1,
        enrolledAt: new Date(Date.now() - (needed - index) * 60_000),
      }),
    ),
  );
  await manager.save(enrolments);
  return enrolments.length;
}
