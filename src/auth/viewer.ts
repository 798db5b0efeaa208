/** Who is calling. Accounts and tokens come with the accounts issue; until then everyone is anonymous. */
export interface Viewer {
  readonly userId: string | null;
}

export const ANONYMOUS: Viewer = Object.freeze({ userId: null });
