import { Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { User } from '../accounts/user.entity';
import { CreatedNode, Node } from '../graphql/node';

/** UPLOADING while its bytes arrive (invisible, swept when stale); STORED once complete and within the quota. */
export enum FileStatus {
  UPLOADING = 'UPLOADING',
  STORED = 'STORED',
}

/**
 * A user's personal file: its metadata. The bytes are in a `FileStore` (by default
 * `personal_file_chunk`, see postgres-file-store.ts). Sizes are Int: a file is at most
 * FILE_MAX_BYTES and the sum of a user's at most FILE_QUOTA_BYTES, both below 2^31 (config.ts).
 */
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A file the signed-in user stored; only its owner sees it.' })
@Entity()
@Index(['ownerId', 'createdAt'])
@Index(['status', 'createdAt'])
export class PersonalFile extends CreatedNode {
  /** CASCADE as a backstop: account deletion removes the files through the service first (`deleteFilesOf`). */
  @ManyToOne(() => User, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn()
  owner?: User;

  @Column({ type: 'uuid' })
  ownerId: string;

  @Field({ description: 'Cleaned at upload: no path, no control characters, at most 255 bytes of UTF-8.' })
  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Field({ description: 'From an allow-list (PDF, images, text, office documents, zip), else application/octet-stream.' })
  @Column({ type: 'varchar', length: 127 })
  mimeType: string;

  @Field(() => Int, { description: 'In bytes.' })
  @Column({ type: 'int', default: 0 })
  size: number;

  /** null while uploading. */
  @Field(() => String, { description: 'SHA-256 of the content, lower-case hexadecimal.' })
  @Column({ type: 'char', length: 64, nullable: true })
  sha256: string | null;

  @Column({ type: 'enum', enum: FileStatus, default: FileStatus.UPLOADING })
  status: FileStatus;
}
