// A React 18 app's use of the wrapper (React 18 sets no properties and hears no custom
// events on a bare custom element), checked with React 18's types by test/typings.test.ts.
import type { BatchUploader as BatchUploaderElement } from '@batch-uploader/element';
import { BatchUploader } from '@batch-uploader/element/react';
import { useRef } from 'react';

export function Upload({ getToken }: { getToken: () => Promise<string | null> }) {
  const ref = useRef<BatchUploaderElement>(null);
  return (
    <>
      <BatchUploader
        ref={ref}
        className="uploader"
        endpoint="/api/gp"
        patientField="hidden"
        maxFileSize="50MB"
        getAuthToken={getToken}
        strings={{ dropZone: 'Drop here' }}
        onBatchComplete={(e) => e.detail.summary}
        onBatchError={(e) => e.detail.code}
      />
      {/* @ts-expect-error: patientField is hidden, optional or required */}
      <BatchUploader patientField="sometimes" />
      {/* @ts-expect-error: getAuthToken is a function */}
      <BatchUploader getAuthToken="token" />
      {/* @ts-expect-error: the detail of batch-error has no such field */}
      <BatchUploader onBatchError={(e) => e.detail.nope} />
    </>
  );
}
