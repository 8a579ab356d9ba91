/**
 * Registers `<batch-uploader>`. Import this module (or load the self-contained bundle)
 * to use the tag; import `BatchUploader` from the package root to extend or register it
 * under another name — that import registers nothing.
 */
import { BatchUploader } from './batch-uploader.component.js';

export { BatchUploader };

// A second copy (two bundles on one page) must not throw: the first definition wins.
if (!customElements.get('batch-uploader')) customElements.define('batch-uploader', BatchUploader);

declare global {
  interface HTMLElementTagNameMap {
    'batch-uploader': BatchUploader;
  }
}
