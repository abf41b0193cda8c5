/** The steps of a migration off one legacy group, in order. */
export type MigrateStep = 'group' | 'members' | 'assign' | 'push' | 'role' | 'legacy-push' | 'legacy-unassign';

/** Every action of migrate's plan is one step of one legacy group's migration. */
export interface MigrateOperation {
  kind: 'migrate';
  role: string;
  step: MigrateStep;
}
