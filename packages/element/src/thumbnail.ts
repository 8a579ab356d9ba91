/**
 * Makes a small preview of an image file: decoded and scaled by `createImageBitmap`
 * (off the main thread), `width` pixels across. Loaded on demand (a chunk beside the
 * bundle), the first time an image is added. The caller closes the bitmap.
 */
export function makeThumbnail(image: Blob, width: number): Promise<ImageBitmap> {
  return createImageBitmap(image, { resizeWidth: width, resizeQuality: 'medium' });
}
