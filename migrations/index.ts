import { Foundation1795917788748 } from './1795917788748-Foundation';
import { ReferenceData1795917788749 } from './1795917788749-ReferenceData';

/** Every migration, in order; listed explicitly so that tsc, swc and Jest run the same classes. */
export const migrations = [Foundation1795917788748, ReferenceData1795917788749];
