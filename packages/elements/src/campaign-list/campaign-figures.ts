// The figures a campaign row shows, from the API's stats (`crm.campaigns.stats`), loaded for the rows
// in view only and a few at a time, so a long list never fires one request per campaign at once.
import type { CampaignStats } from '../shared/api/record-lists.js';

/** A campaign's figures: loaded, loading, or refused (with the API's message). */
export type CampaignFigures = { state: 'loaded'; stats: CampaignStats } | { state: 'loading' } | { state: 'failed'; detail: string };

/** Loads stats for ids on demand, at most `parallel` at a time, each once until `clear()`. */
export class CampaignFigureCache {
  readonly #figures = new Map<string, CampaignFigures>();
  readonly #queue: string[] = [];
  #running = 0;
  #generation = 0;

  constructor(
    private readonly load: (id: string) => Promise<CampaignStats>,
    private readonly changed: () => void,
    private readonly parallel = 4,
  ) {}

  /** What is known of a campaign's figures (undefined: not asked for yet). */
  get(id: string): CampaignFigures | undefined {
    return this.#figures.get(id);
  }

  /** Asks for the figures of these campaigns (those not yet asked for). */
  want(ids: string[]): void {
    for (const id of ids) {
      if (this.#figures.has(id)) continue;
      this.#figures.set(id, { state: 'loading' });
      this.#queue.push(id);
    }
    this.#pump();
  }

  /** Forgets everything (after a reload), so figures are asked for again. */
  clear(): void {
    this.#generation++;
    this.#figures.clear();
    this.#queue.length = 0;
    this.#running = 0;
  }

  #pump(): void {
    while (this.#running < this.parallel && this.#queue.length) {
      const id = this.#queue.shift()!;
      const generation = this.#generation;
      this.#running++;
      this.load(id)
        .then(
          (stats): CampaignFigures => ({ state: 'loaded', stats }),
          (error: unknown): CampaignFigures => ({ state: 'failed', detail: String((error as { detail?: string })?.detail ?? (error as Error)?.message ?? error) }),
        )
        .then((figures) => {
          if (generation !== this.#generation) return;
          this.#running--;
          this.#figures.set(id, figures);
          this.changed();
          this.#pump();
        });
    }
  }
}
