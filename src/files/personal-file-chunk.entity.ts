import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { PersonalFile } from './personal-file.entity';

/**
 * A slice of a personal file's bytes (see postgres-file-store.ts for why chunks). `firstByte` makes
 * each chunk self-describing: a range read finds its chunks whatever size they were written at.
 */
@Entity()
export class PersonalFileChunk {
  @PrimaryColumn({ type: 'uuid' })
  fileId: string;

  /** 0, 1, 2… in file order. */
  @PrimaryColumn({ type: 'int' })
  seq: number;

  @ManyToOne(() => PersonalFile, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn()
  file?: PersonalFile;

  /** Offset in the file of this chunk's first byte. */
  @Column({ type: 'int' })
  firstByte: number;

  @Column({ type: 'bytea' })
  data: Buffer;
}
