import { registerEnumType } from 'type-graphql';

export enum PartnerKind {
  MINISTRY = 'MINISTRY',
  INTERMINISTERIAL_DIRECTORATE = 'INTERMINISTERIAL_DIRECTORATE',
  SCHOOL = 'SCHOOL',
  OPERATOR = 'OPERATOR',
}

export enum Modality {
  HYBRID = 'HYBRID',
  ONLINE_TUTORED = 'ONLINE_TUTORED',
  WEBINAR = 'WEBINAR',
  VIRTUAL_CLASS = 'VIRTUAL_CLASS',
  SELF_PACED = 'SELF_PACED',
  ENRICHED_PRESENTIAL = 'ENRICHED_PRESENTIAL',
  PEER_EXCHANGE = 'PEER_EXCHANGE',
}

export enum TrainingStatus {
  DRAFT = 'DRAFT',
  SUBMITTED = 'SUBMITTED',
  CHANGES_REQUESTED = 'CHANGES_REQUESTED',
  PUBLISHED = 'PUBLISHED',
  REJECTED = 'REJECTED',
  ARCHIVED = 'ARCHIVED',
}

export enum AgentCategory {
  A = 'A',
  B = 'B',
  C = 'C',
  CONTRACT = 'CONTRACT',
  STUDENT = 'STUDENT',
  OTHER = 'OTHER',
}

registerEnumType(PartnerKind, { name: 'PartnerKind', description: 'What kind of administration a partner is.' });
registerEnumType(Modality, { name: 'Modality', description: 'How a training is delivered.' });
registerEnumType(TrainingStatus, { name: 'TrainingStatus', description: 'Where a training stands in the editorial workflow.' });
registerEnumType(AgentCategory, { name: 'AgentCategory', description: 'Civil-service category of an agent.' });
