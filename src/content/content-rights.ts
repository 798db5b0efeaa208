import { Role } from '../accounts/accounts.enums';
import type { Permission } from '../auth/auth-checker';

/**
 * Who edits the FAQ and the guided tour: the editorial committee and admins. No API client scope:
 * the texts are written by people, and every change is audited under a person's name.
 */
export const CONTENT_EDITORS: Permission[] = [Role.EDITORIAL_COMMITTEE, Role.ADMIN];
