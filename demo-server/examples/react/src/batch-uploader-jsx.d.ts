/**
 * `<batch-uploader>` in React's JSX types (React 19 sets properties and listens to
 * custom events itself). Copy this file into an app that uses the element with
 * TypeScript: attributes, properties and `on<event>` props are then checked, and
 * `onbatch-complete={(e) => e.detail.summary}` knows the type of `e.detail`.
 */
import type { BatchUploader, BatchUploaderEvents } from '@batch-uploader/element';
import type { HTMLAttributes, RefAttributes } from 'react';

/** Every event of the element as a listener prop: `batch-complete` → `onbatch-complete`. */
type BatchUploaderEventProps = {
  [K in keyof BatchUploaderEvents as `on${K}`]?: (event: BatchUploaderEvents[K]) => void;
};

/** The attributes, as written in HTML (React passes them as attributes). */
interface BatchUploaderAttributes {
  endpoint?: string;
  'patient-id'?: string;
  'patient-field'?: 'hidden' | 'optional' | 'required';
  'template-id'?: string;
  'encounter-id'?: string;
  'max-files'?: number;
  'max-file-size'?: number | string;
  accept?: string;
  'poll-interval'?: number;
  'show-history'?: boolean;
}

/** The properties that take objects or functions (React sets them as properties). */
type BatchUploaderProperties = Partial<Pick<BatchUploader, 'getAuthToken' | 'headers' | 'client' | 'strings'>> & {
  session?: BatchUploader['session'] | null;
};

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'batch-uploader': HTMLAttributes<BatchUploader> &
        RefAttributes<BatchUploader> &
        BatchUploaderAttributes &
        BatchUploaderProperties &
        BatchUploaderEventProps;
    }
  }
}
