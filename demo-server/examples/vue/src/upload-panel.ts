// Defines <batch-uploader> (the npm build: lit and the SDK come from node_modules).
import '@batch-uploader/element/batch-uploader.js';
import { computed, defineComponent, ref } from 'vue';
import type { BatchUploaderEventMap, BatchUploaderEvents } from '@batch-uploader/element';
import { FRENCH } from './french';
import { render } from './upload-panel.template.html';

type Finished = BatchUploaderEventMap['batch-complete'];

/** The host app's own panel around the element: a token field, a language switch, and what the element reported. */
export const UploadPanel = defineComponent({
  name: 'UploadPanel',
  props: {
    endpoint: { type: String, required: true },
    askForToken: { type: Boolean, default: false },
  },
  setup() {
    const token = ref('');
    const language = ref<'en' | 'fr'>('en');
    const status = ref('No batch yet.');
    const finished = ref<Finished[]>([]);

    // Set as a property (`.getAuthToken`): the element calls it before every request.
    const getAuthToken = () => token.value.trim() || null;
    const strings = computed(() => (language.value === 'fr' ? FRENCH : null));

    function onCreated(event: BatchUploaderEvents['batch-created']) {
      status.value = `Batch ${event.detail.batchId} sent with ${event.detail.totalFiles} files.`;
    }
    function onProgress(event: BatchUploaderEvents['batch-progress']) {
      status.value = `${event.detail.phase}: ${event.detail.percent}%`;
    }
    function onComplete({ detail }: BatchUploaderEvents['batch-complete']) {
      status.value = `Batch ${detail.batchId} ${detail.status}.`;
      // After a reload the element reports a batch that finished meanwhile again: keep one entry per batch.
      if (!finished.value.some((b) => b.batchId === detail.batchId)) finished.value.push(detail);
    }
    function onError(event: BatchUploaderEvents['batch-error']) {
      status.value = `Error ${event.detail.code}: ${event.detail.message}`;
    }

    return { token, language, status, finished, getAuthToken, strings, onCreated, onProgress, onComplete, onError };
  },
  // Compiled to a render function when the example is built (build.mjs), as an app's bundler does.
  render,
});
