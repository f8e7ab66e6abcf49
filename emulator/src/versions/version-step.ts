// One API version's changes, undone: the unit the renderer of older versions is built from.
/**
 * One API version's changes, undone: `downgrade` turns an object of this version's shape into the shape of the
 * version before it. Each step owns its changes; rendering walks the steps from the newest back to the target.
 */
export interface VersionStep {
  /** The version that introduced the changes. */
  version: string;
  /** Returns the object as the previous version shows it (it may change and return its argument: a copy). */
  downgrade(object: Record<string, unknown>): Record<string, unknown>;
}
