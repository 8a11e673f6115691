/** A domain's builder: its schemas the first time it is called, the same objects after. */
export interface LazyDomain<T> {
  (): T;
  /** Whether the schemas were built already (for the tests of the contract's laziness). */
  isBuilt(): boolean;
}

/**
 * A domain of the contract built once, on first use. Building zod schemas is most of what loading the contract costs
 * (~10 ms for every domain on this machine); a one-shot CLI command calls one or two domains and so builds only those.
 */
export function lazyDomain<T>(build: () => T): LazyDomain<T> {
  let built: T | undefined;
  return Object.assign(() => (built ??= build()), { isBuilt: () => built !== undefined });
}
