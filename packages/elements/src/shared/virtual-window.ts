import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** The slice of a long list to render: `start` inclusive, `end` exclusive. */
export interface CrmWindowRange {
  start: number;
  end: number;
}

/** Windows with a scroll to measure; one animation frame serves them all. */
const dirty = new Set<VirtualWindow>();
let frame = 0;

function flush(): void {
  frame = 0;
  const windows = [...dirty];
  dirty.clear();
  // Every window of a host is measured before any update runs, so a host with many windows (a board's
  // columns) updates once per frame, not once per scrolled column.
  for (const win of windows) win.measure();
}

/**
 * Windowing for lists of fixed-height items: it watches one scroll container and tells the host which
 * items are (nearly) in view, so the DOM holds a screenful of items however long the list grows.
 * Scroll events are coalesced to one host update per animation frame.
 */
export class VirtualWindow implements ReactiveController {
  /** Items rendered above and below the visible ones, so fast scrolling does not show gaps. */
  overscan = 6;
  #container: HTMLElement | null = null;
  #scrollTop = 0;
  #viewport = 0;
  readonly #resize = new ResizeObserver(() => this.measure());
  readonly #onScroll = () => {
    dirty.add(this);
    frame ||= requestAnimationFrame(flush);
  };

  constructor(
    private readonly host: ReactiveControllerHost,
    /** The height of one item in CSS pixels. */
    public itemHeight: number,
  ) {
    host.addController(this);
  }

  /** Starts watching `container` (call from `firstUpdated`/`updated` with the scroll element). */
  observe(container: HTMLElement | null | undefined): void {
    if (!container || container === this.#container) return;
    this.#container?.removeEventListener('scroll', this.#onScroll);
    this.#resize.disconnect();
    this.#container = container;
    container.addEventListener('scroll', this.#onScroll, { passive: true });
    this.#resize.observe(container);
    this.measure();
  }

  /** The most items a range has held; slot keys cycle through this many. */
  #capacity = 1;

  /**
   * A key for `repeat` that recycles elements: an item entering the window takes over the element of
   * the one that left, so scrolling changes a few values instead of creating and collecting elements.
   */
  slotKey(index: number): number {
    return index % this.#capacity;
  }

  /** The items to render out of `count`. */
  range(count: number): CrmWindowRange {
    const first = Math.floor(this.#scrollTop / this.itemHeight);
    // Before the first measurement, render a modest screenful rather than nothing.
    const visible = Math.ceil((this.#viewport || 600) / this.itemHeight) + 1;
    const start = Math.max(0, Math.min(first - this.overscan, count));
    const end = Math.max(start, Math.min(count, first + visible + this.overscan));
    this.#capacity = Math.max(this.#capacity, visible + 2 * this.overscan + 1);
    return { start, end };
  }

  /** Scrolls the container just enough to show item `index`. */
  reveal(index: number): void {
    const container = this.#container;
    if (!container) return;
    const top = index * this.itemHeight;
    if (top < container.scrollTop) container.scrollTop = top;
    else if (top + this.itemHeight > container.scrollTop + container.clientHeight) {
      container.scrollTop = top + this.itemHeight - container.clientHeight;
    }
    this.measure();
  }

  hostDisconnected(): void {
    this.#container?.removeEventListener('scroll', this.#onScroll);
    this.#resize.disconnect();
    this.#container = null;
    dirty.delete(this);
  }

  /** Reads the container's scroll position and size, and asks the host to render if they changed. */
  measure(): void {
    const container = this.#container;
    if (!container) return;
    const { scrollTop, clientHeight } = container;
    if (scrollTop === this.#scrollTop && clientHeight === this.#viewport) return;
    this.#scrollTop = scrollTop;
    this.#viewport = clientHeight;
    this.host.requestUpdate();
  }
}
