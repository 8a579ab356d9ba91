// Generated from custom-elements.json by scripts/integrations.ts (`npm run manifest`): do not edit.
import * as React from 'react';
import { createComponent, type EventName } from '@lit/react';
import { BatchUploader as BatchUploaderElement } from './batch-uploader/batch-uploader.js';
import type { BatchCompleteDetail, BatchCreatedDetail, BatchErrorDetail, BatchFilesAddedDetail, BatchFilesRejectedDetail, BatchPausedDetail, BatchProgressDetail, BatchResumedDetail, BatchRetriedDetail } from './events.js';

/**
 * `<batch-uploader>` as a React component, for React 18 and 19: a prop the element has as a
 * property is set as the property, any other as an attribute, and `on<Event>` props listen
 * to its events. Importing this module registers the tag.
 */
export const BatchUploader = createComponent({
  react: React,
  tagName: 'batch-uploader',
  elementClass: BatchUploaderElement,
  events: {
    onBatchFilesAdded: 'batch-files-added' as EventName<CustomEvent<BatchFilesAddedDetail>>,
    onBatchFilesRejected: 'batch-files-rejected' as EventName<CustomEvent<BatchFilesRejectedDetail>>,
    onBatchCreated: 'batch-created' as EventName<CustomEvent<BatchCreatedDetail>>,
    onBatchProgress: 'batch-progress' as EventName<CustomEvent<BatchProgressDetail>>,
    onBatchPaused: 'batch-paused' as EventName<CustomEvent<BatchPausedDetail>>,
    onBatchResumed: 'batch-resumed' as EventName<CustomEvent<BatchResumedDetail>>,
    onBatchRetried: 'batch-retried' as EventName<CustomEvent<BatchRetriedDetail>>,
    onBatchComplete: 'batch-complete' as EventName<CustomEvent<BatchCompleteDetail>>,
    onBatchError: 'batch-error' as EventName<CustomEvent<BatchErrorDetail>>,
  },
  displayName: 'BatchUploader',
});
