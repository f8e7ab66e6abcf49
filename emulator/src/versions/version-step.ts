// One API version's changes, undone: the unit the renderer of older versions is built from.
/**
 * One API version's changes, undone: `downgrade` turns an object of this version's shape into the shape of the
 * version before it. Each step owns its changes; rendering walks the steps from the newest back to the target.
 */
export interface VersionStep {
  /** The version that introduced the changes. */
  version: string;
  /**
   * Returns the object as the previous version shows it (it may change and return its argument: a copy).
   * `lookup` finds a stored object by its object name and id, for a field the older version expanded.
   */
  downgrade(object: Record<string, unknown>, lookup: ObjectLookup): Record<string, unknown>;
}

/** A stored object by object name and id (`coupon`, `SPRING`), as it is now; undefined when unknown. */
export type ObjectLookup = (objectName: string, id: string) => Record<string, unknown> | undefined;
