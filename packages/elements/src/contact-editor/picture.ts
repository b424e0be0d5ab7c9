// Turns a picture the person uploads into something the API stores on the contact. The API has no
// binary upload for contact pictures: `pictureUrl` holds any URL of at most 2,000 characters. So the
// picture is cropped to a square, scaled down to an avatar and encoded as a `data:` URL that fits,
// and the API keeps the bytes with the contact (no third-party host, no separate request).

/** The longest `pictureUrl` the API accepts (`z.url().max(2000)` in the contact schema). */
export const maxPictureUrlLength = 2000;

/** Files larger than this are refused before they are decoded. */
export const maxPictureFileBytes = 10 * 1024 * 1024;

/** Why a file could not become a picture; `reason` picks the message. */
export class PictureError extends Error {
  constructor(readonly reason: 'type' | 'size' | 'unreadable' | 'detail') {
    super(`picture: ${reason}`);
    this.name = 'PictureError';
  }
}

/** True for the `data:` URLs this module makes (and so safe to show as an image preview). */
export function isPictureDataUrl(value: string): boolean {
  return /^data:image\/(png|jpeg|webp|gif);base64,[A-Za-z0-9+/=]+$/.test(value);
}

/** Sizes (px) and qualities tried, best first, until the encoded picture fits. */
const sides = [128, 96, 80, 64, 56, 48, 40, 32];
const qualities = [0.85, 0.7, 0.55, 0.4];
const types = ['image/webp', 'image/jpeg'];

/**
 * Encodes `file` as a square avatar `data:` URL of at most `maxLength` characters, as large and
 * sharp as fits. Throws a `PictureError` for a file that is not an image, too big, or unreadable.
 */
export async function pictureDataUrl(file: Blob, maxLength = maxPictureUrlLength): Promise<string> {
  if (!file.type.startsWith('image/')) throw new PictureError('type');
  if (file.size > maxPictureFileBytes) throw new PictureError('size');
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new PictureError('unreadable');
  }
  try {
    const side = Math.min(bitmap.width, bitmap.height);
    if (side === 0) throw new PictureError('unreadable');
    const sx = (bitmap.width - side) / 2;
    const sy = (bitmap.height - side) / 2;
    const canvas = document.createElement('canvas');
    for (const size of sides.filter((s) => s <= Math.max(side, sides[sides.length - 1]!))) {
      canvas.width = size;
      canvas.height = size;
      const context = canvas.getContext('2d')!;
      // A white ground, so transparent pictures do not turn black as JPEG.
      context.fillStyle = '#fff';
      context.fillRect(0, 0, size, size);
      context.imageSmoothingQuality = 'high';
      context.drawImage(bitmap, sx, sy, side, side, 0, 0, size, size);
      for (const quality of qualities) {
        for (const type of types) {
          const url = canvas.toDataURL(type, quality);
          // A browser that cannot encode `type` answers PNG instead; take it only when it fits.
          if (url.length <= maxLength && isPictureDataUrl(url)) return url;
        }
      }
    }
    throw new PictureError('detail');
  } finally {
    bitmap.close();
  }
}
