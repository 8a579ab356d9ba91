/** How much of an image the inspector decodes before it refuses the file as `TOO_COMPLEX`. */
export interface ImageBudget {
  /** Most pixels of one page. */
  maxPixels: number;
  /** Most pixels of all decoded pages together. */
  maxTotalPixels: number;
  /** Pages decoded; later pages of a longer file are counted but not decoded. */
  maxPages: number;
}

/** Every decoding budget of one document. */
export interface DecodeBudget {
  /** Most pixels of one image page. */
  maxImagePixels: number;
  /** Most pixels of an image's decoded pages together. */
  maxImageTotalPixels: number;
  /** Pages of an image that are decoded. */
  maxImagePages: number;
  /** Most bytes a PDF's streams (other than images) inflate to, all together. */
  maxPdfStreamBytes: number;
}

/** The image part of a {@link DecodeBudget}. */
export function imageBudget(budget: DecodeBudget): ImageBudget {
  return { maxPixels: budget.maxImagePixels, maxTotalPixels: budget.maxImageTotalPixels, maxPages: budget.maxImagePages };
}
