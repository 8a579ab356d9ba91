/**
 * Makes a small preview of an image file: decoded and scaled by `createImageBitmap`
 * (which decodes off the main thread), encoded by an OffscreenCanvas, handed out as an
 * object URL that its caller revokes. Loaded on demand (a chunk beside the bundle), the
 * first time an image is added.
 */
export async function makeThumbnail(image: Blob, width: number): Promise<string> {
  const bitmap = await createImageBitmap(image, { resizeWidth: width, resizeQuality: 'medium' });
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
    return URL.createObjectURL(await canvas.convertToBlob({ type: 'image/png' }));
  } finally {
    bitmap.close();
  }
}
