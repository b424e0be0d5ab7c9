import { copyFile, mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Tesseract from 'tesseract.js';
import { AppError } from '../../platform/errors.js';
import type { CardLine } from './card-parser.js';

const require = createRequire(import.meta.url);

/** English and German, LSTM models from the @tesseract.js-data npm packages (never the CDN). */
export const OCR_LANGUAGES = ['eng', 'deu'] as const;

/** What the OCR read on one image. */
export interface OcrResult {
  text: string;
  lines: CardLine[];
  /** The OCR's mean confidence over the page, 0-1. */
  confidence: number;
  /** Time spent recognising this image (not waiting for the worker), in milliseconds. */
  ms: number;
}

/** One OCR worker per process, started at the first scan and kept; scans take turns on it. */
export interface CardOcr {
  recognize(image: Buffer): Promise<OcrResult>;
  /** Whether the worker is running (started, and not stopped since for being idle or at close). */
  running(): boolean;
  close(): Promise<void>;
}

/**
 * Tesseract reads every language from one `langPath`, but each npm package holds its own: the gzipped
 * LSTM models (`4.0.0_best_int`) are copied once into one folder under DATA_DIR. A local path makes
 * tesseract.js read the file; only a URL would make it fetch.
 */
async function languageFolder(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const lang of OCR_LANGUAGES) {
    const source = join(dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`)), '4.0.0_best_int', `${lang}.traineddata.gz`);
    const target = join(dir, `${lang}.traineddata.gz`);
    const [from, to] = await Promise.all([stat(source), stat(target).catch(() => null)]);
    if (to?.size !== from.size) await copyFile(source, target);
  }
  return dir;
}

/**
 * The OCR of business cards: tesseract.js in a worker thread, its WebAssembly core from the
 * tesseract.js-core package and its language data from npm, so a scan never touches the network. The
 * worker costs about two seconds to start, so it starts at the first scan and is reused; it reads one
 * image at a time, and at most `maxWaiting` scans wait their turn (one more answers 429). A worker holds
 * ~120 MB of the process (its WebAssembly core and both models), so it stops once no scan came for
 * `idleMs` (CARD_SCAN_IDLE_MS, 5 minutes), and the next scan starts it again.
 */
export function createCardOcr(options: { dataDir: string; maxWaiting: number; idleMs?: number; log?: (message: string) => void }): CardOcr {
  let worker: Promise<Tesseract.Worker> | null = null;
  let turn: Promise<unknown> = Promise.resolve();
  let waiting = 0;
  let closed = false;
  let idle: NodeJS.Timeout | undefined;
  const stop = async () => {
    const running = worker;
    worker = null;
    if (running) await (await running.catch(() => null))?.terminate();
  };
  // After the last scan in the queue: the worker stops once `idleMs` pass without another (a scan restarts it).
  const stopWhenIdle = () => {
    clearTimeout(idle);
    if (waiting > 0 || closed) return;
    idle = setTimeout(() => {
      if (waiting > 0 || closed) return;
      turn = turn.then(stop).then(() => options.log?.('card OCR worker stopped (idle)'), () => undefined);
    }, options.idleMs ?? 5 * 60_000);
    idle.unref();
  };

  const start = async () => {
    const langPath = await languageFolder(join(options.dataDir, 'ocr'));
    const started = Date.now();
    const created = await Tesseract.createWorker([...OCR_LANGUAGES], Tesseract.OEM.LSTM_ONLY, {
      langPath,
      gzip: true,
      // Nothing is written to the working directory: the models are read from langPath at every start.
      cacheMethod: 'none',
      errorHandler: (error: unknown) => options.log?.(`card OCR worker: ${String(error)}`),
    });
    // A card is scattered text, not a page of paragraphs; a photo has no DPI, so say one (Tesseract guesses 300 and logs it).
    await created.setParameters({ tessedit_pageseg_mode: Tesseract.PSM.SPARSE_TEXT, preserve_interword_spaces: '1', user_defined_dpi: '300' });
    options.log?.(`card OCR worker started in ${Date.now() - started} ms`);
    return created;
  };

  const read = async (image: Buffer): Promise<OcrResult> => {
    worker ??= start().catch((error: unknown) => {
      worker = null;
      throw error;
    });
    const ready = await worker;
    const started = Date.now();
    const { data } = await ready.recognize(image, { rotateAuto: true }, { text: true, blocks: true });
    const lines: CardLine[] = (data.blocks ?? []).flatMap((block) =>
      block.paragraphs.flatMap((paragraph) =>
        paragraph.lines.map((line) => ({ text: line.text.trim(), confidence: line.confidence / 100, height: line.bbox.y1 - line.bbox.y0 })),
      ),
    );
    return { text: data.text.trim(), lines: lines.filter((l) => l.text), confidence: data.confidence / 100, ms: Date.now() - started };
  };

  return {
    async recognize(image) {
      if (closed) throw new AppError('unavailable', 'The API is shutting down; scan the card again in a moment', { headers: { 'Retry-After': '5' } });
      if (waiting > options.maxWaiting) {
        throw new AppError('rate_limited', `${waiting} card scans are waiting on this server; try again in a few seconds`, { headers: { 'Retry-After': '5' }, extensions: { retryAfter: 5 } });
      }
      waiting += 1;
      clearTimeout(idle);
      const mine = turn.then(() => read(image));
      turn = mine.catch(() => undefined);
      try {
        return await mine;
      } finally {
        waiting -= 1;
        stopWhenIdle();
      }
    },
    running: () => worker !== null,
    async close() {
      closed = true;
      clearTimeout(idle);
      await turn;
      await stop();
    },
  };
}
