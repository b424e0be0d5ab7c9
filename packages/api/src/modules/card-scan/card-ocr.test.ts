import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Jimp, loadFont } from 'jimp';
import { SANS_64_BLACK } from 'jimp/fonts';
import type { AppError } from '../../platform/errors.js';
import { createCardOcr } from './card-ocr.js';

async function oneLine(text: string): Promise<Buffer> {
  const image = new Jimp({ width: 1000, height: 200, color: 0xffffffff });
  image.print({ font: await loadFont(SANS_64_BLACK), x: 60, y: 60, text });
  return image.getBuffer('image/png');
}

describe('card OCR worker', () => {
  const dirs: string[] = [];
  after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('should start one worker at the first scan, take scans in turn, refuse one more than may wait, and stop at close', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'card-ocr-'));
    dirs.push(dataDir);
    const ocr = createCardOcr({ dataDir, maxWaiting: 1 });
    assert.deepEqual(await readdir(dataDir), [], 'nothing is prepared before the first scan');
    const image = await oneLine('Lena Fischer');
    const results = await Promise.allSettled([ocr.recognize(image), ocr.recognize(image), ocr.recognize(image)]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected']);
    const refused = (results[2] as PromiseRejectedResult).reason as AppError;
    assert.equal(refused.code, 'rate_limited');
    assert.equal(refused.headers['Retry-After'], '5');
    for (const r of results.slice(0, 2)) assert.equal((r as PromiseFulfilledResult<{ lines: Array<{ text: string }> }>).value.lines[0]?.text, 'Lena Fischer');
    assert.deepEqual((await readdir(join(dataDir, 'ocr'))).sort(), ['deu.traineddata.gz', 'eng.traineddata.gz'], 'the models come from the npm packages, copied under DATA_DIR');
    await ocr.close();
    assert.equal(ocr.running(), false);
    await assert.rejects(ocr.recognize(image), (error: AppError) => error.code === 'unavailable');
  });

  it('should stop the worker once no scan came for the idle time, and start it again at the next scan', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'card-ocr-'));
    dirs.push(dataDir);
    const ocr = createCardOcr({ dataDir, maxWaiting: 1, idleMs: 300 });
    const image = await oneLine('Jonas Weber');
    assert.equal(ocr.running(), false, 'no worker before the first scan');
    assert.equal((await ocr.recognize(image)).lines[0]?.text, 'Jonas Weber');
    assert.equal(ocr.running(), true, 'kept for the next scan');
    while (ocr.running()) await new Promise((r) => setTimeout(r, 50));
    assert.equal((await ocr.recognize(image)).lines[0]?.text, 'Jonas Weber', 'a scan after the stop starts a worker again');
    await ocr.close();
  });
});
