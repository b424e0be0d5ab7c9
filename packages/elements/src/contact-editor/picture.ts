// Prepares a picked file for `crm.contacts.uploadPicture`. The API stores the bytes (PNG, JPEG, GIF or
// WebP, recognised by their content, at most 1 MB) and answers with a `pictureUrl` an `<img>` shows
// without credentials. Here a large photo is scaled down first, so it fits the limit; anything else
// is sent as it is and the API decides (it answers 415 for a file that is not such an image and 413
// for one that is too large, and the editor shows those answers on the picture field).

/** The largest picture the API takes (bytes). */
export const maxPictureBytes = 1024 * 1024;

/** The longest side a picture is scaled down to when it must shrink. */
export const maxPictureSide = 1024;

/** What to upload, and whether the browser could show it as a preview. */
export interface PreparedPicture {
  body: Blob;
  previewable: boolean;
}

function encode(canvas: HTMLCanvasElement, type: string, quality: number): Promise<Blob | null> {
  return new Promise((resolve) => canvas.toBlob(resolve, type, quality));
}

/**
 * The bytes to upload for `file`: the file itself when it is small enough (or not an image the
 * browser can read, which the API will then refuse), else the picture scaled to at most
 * `maxPictureSide` pixels and re-encoded (WebP, else JPEG) under `maxPictureBytes`.
 */
export async function preparePicture(file: Blob): Promise<PreparedPicture> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return { body: file, previewable: false };
  }
  try {
    const { width, height } = bitmap;
    if (width === 0 || height === 0) return { body: file, previewable: false };
    if (file.size <= maxPictureBytes) return { body: file, previewable: true };
    const scale = Math.min(1, maxPictureSide / Math.max(width, height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    const context = canvas.getContext('2d')!;
    // A white ground, so transparent pictures do not turn black as JPEG.
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    for (const quality of [0.85, 0.7, 0.5]) {
      for (const type of ['image/webp', 'image/jpeg']) {
        const blob = await encode(canvas, type, quality);
        // A browser that cannot encode `type` answers PNG instead; take whatever fits.
        if (blob && blob.size <= maxPictureBytes) return { body: blob, previewable: true };
      }
    }
    return { body: file, previewable: true };
  } finally {
    bitmap.close();
  }
}

/** True for a `pictureUrl` the editor shows as an image: a web address, or an inline picture stored by an older editor. */
export function isShowablePictureUrl(value: string): boolean {
  return /^https?:\/\/\S+$/.test(value) || /^data:image\/(png|jpeg|webp|gif);base64,[A-Za-z0-9+/=]+$/.test(value);
}
