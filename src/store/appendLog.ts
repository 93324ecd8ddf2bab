/**
 * An append-only list that successive states share. Appending to the newest list adds the item
 * in place, in O(1); every older list still holds exactly the items it had, so the store's pure
 * reducer can grow a run's curves one point at a time instead of copying them on every event.
 */
export class AppendLog<T> {
  /**
   * Items copied, read or written by every list so far: a test counts the work of one append
   * with it (an append must not cost more the longer a run has been going).
   */
  static touched = 0;

  #items: readonly T[] | undefined;

  private constructor(
    /** Shared with the lists this one was appended from and to; only the first `length` items are this list's. */
    private readonly buffer: T[],
    readonly length: number,
  ) {}

  static empty<T>(): AppendLog<T> {
    return new AppendLog<T>([], 0);
  }

  /** This list and one more item. */
  append(item: T): AppendLog<T> {
    // A list appended from this one already owns the buffer past our end (two states branched
    // from one): copy our part rather than write over theirs.
    const buffer = this.buffer.length === this.length ? this.buffer : this.copy();
    buffer.push(item);
    AppendLog.touched++;
    return new AppendLog(buffer, this.length + 1);
  }

  at(index: number): T {
    if (index < 0 || index >= this.length) throw new RangeError(`AppendLog: no item ${index} of ${this.length}`);
    AppendLog.touched++;
    return this.buffer[index];
  }

  /** The items as an array of their own, made on the first read (a chart's data must be a new array when it grows). */
  get items(): readonly T[] {
    return (this.#items ??= this.copy());
  }

  private copy(): T[] {
    AppendLog.touched += this.length;
    return this.buffer.slice(0, this.length);
  }
}
