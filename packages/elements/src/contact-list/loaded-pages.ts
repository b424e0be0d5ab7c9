// The rows a long list has paged in, page by page, with the cursor each page was asked for by, so that
// pages far from the view can be dropped (memory stays bounded however far the person scrolls) and
// asked for again by the same cursor when the person scrolls back to them.

/** One page of the list: where its rows are, the cursor it was asked for by, and whether they are kept. */
export interface PageSlot {
  /** Index of its first row. */
  readonly start: number;
  /** How many rows it had when it came. */
  readonly length: number;
  /** The cursor it was asked for by; null for the first page. */
  readonly cursor: string | null;
  /** Its rows are in memory. */
  kept: boolean;
  /** It is being asked for again. */
  refilling: boolean;
  /** Why asking for it again failed; empty when it did not. */
  failure: string;
}

/** The pages of a list and their rows; `rows` has a hole (`undefined`) for every row of a dropped page. */
export class LoadedPages<T> {
  rows: ReadonlyArray<T | undefined> = [];
  readonly slots: PageSlot[] = [];

  /** `keptRows`: how many rows at most stay in memory (whole pages; the pages in view always stay). */
  constructor(readonly keptRows: number) {}

  /** Starts over with the first page. */
  reset(first: T[]): void {
    this.slots.length = 0;
    this.rows = [];
    this.append(null, first);
  }

  /** Adds the page asked for by `cursor` after the others. */
  append(cursor: string | null, data: T[]): void {
    this.slots.push({ start: this.rows.length, length: data.length, cursor, kept: true, refilling: false, failure: '' });
    this.rows = [...this.rows, ...data];
  }

  /** Puts a dropped page's rows back (as the API answers them now, at most the rows it had). */
  refill(slot: PageSlot, data: T[]): void {
    const rows = [...this.rows];
    for (let i = 0; i < slot.length; i++) rows[slot.start + i] = data[i];
    this.rows = rows;
    slot.kept = true;
    slot.refilling = false;
    slot.failure = '';
  }

  /** The dropped pages that rows `start`..`end` (exclusive) fall in. */
  missing(start: number, end: number): PageSlot[] {
    return this.slots.filter((slot) => !slot.kept && slot.start < end && slot.start + slot.length > start);
  }

  /** The page row `index` belongs to. */
  slotOf(index: number): PageSlot | undefined {
    return this.slots.find((slot) => index >= slot.start && index < slot.start + slot.length);
  }

  /**
   * Drops whole pages, farthest from rows `start`..`end` first, until at most `keptRows` rows are kept;
   * pages overlapping that range always stay. Returns whether anything was dropped.
   */
  evict(start: number, end: number): boolean {
    const distance = (slot: PageSlot) => Math.max(0, start - (slot.start + slot.length), slot.start - end);
    let kept = this.slots.reduce((sum, slot) => sum + (slot.kept ? slot.length : 0), 0);
    if (kept <= this.keptRows) return false;
    const rows = [...this.rows];
    const candidates = this.slots.filter((slot) => slot.kept && distance(slot) > 0).sort((a, b) => distance(b) - distance(a));
    for (const slot of candidates) {
      if (kept <= this.keptRows) break;
      for (let i = slot.start; i < slot.start + slot.length; i++) rows[i] = undefined;
      slot.kept = false;
      kept -= slot.length;
    }
    this.rows = rows;
    return true;
  }

  /** How many rows are in memory. */
  get keptCount(): number {
    return this.slots.reduce((sum, slot) => sum + (slot.kept ? slot.length : 0), 0);
  }
}
