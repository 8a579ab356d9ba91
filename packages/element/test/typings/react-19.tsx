// A React 19 app's use of <batch-uploader>, checked by test/typings.test.ts with
// `skipLibCheck: false`: each line under @ts-expect-error must be refused by the typings.
import type {} from '@batch-uploader/element/jsx';
import type { BatchUploader as BatchUploaderElement, BatchUploaderEventMap } from '@batch-uploader/element';
import { BatchUploader } from '@batch-uploader/element/react';
import { useRef, useState } from 'react';

export function RawElement({ getToken }: { getToken: () => Promise<string | null> }) {
  const ref = useRef<BatchUploaderElement>(null);
  const [done, setDone] = useState<BatchUploaderEventMap['batch-complete'] | null>(null);
  return (
    <>
      <batch-uploader
        ref={ref}
        id="intake"
        className="uploader"
        endpoint="/api/gp"
        patient-id="p-1"
        patient-field="hidden"
        template-id="intake"
        encounter-id="visit-9"
        max-files={10}
        max-file-size="50MB"
        poll-interval="2000"
        accept="application/pdf,image/*"
        show-history
        getAuthToken={getToken}
        headers={{ 'X-Workspace': 'clinic-7' }}
        strings={{ dropZone: 'Drop here', start: (n) => `Send ${n}` }}
        onbatch-complete={(e) => setDone(e.detail)}
        onbatch-progress={(e) => e.detail.percent.toFixed(0)}
        onbatch-error={(e) => e.detail.code.toLowerCase()}
        onClick={() => ref.current?.start()}
      />
      <p>{done?.summary}</p>
      {/* @ts-expect-error: patient-field is hidden, optional or required */}
      <batch-uploader patient-field="sometimes" />
      {/* @ts-expect-error: max-files is a number */}
      <batch-uploader max-files="many" />
      {/* @ts-expect-error: show-history is a boolean */}
      <batch-uploader show-history="yes" />
      {/* @ts-expect-error: getAuthToken is a function */}
      <batch-uploader getAuthToken={42} />
      {/* @ts-expect-error: strings texts are strings or functions */}
      <batch-uploader strings={{ dropZone: 7 }} />
      {/* @ts-expect-error: the detail of batch-complete has no such field */}
      <batch-uploader onbatch-complete={(e) => e.detail.nope} />
    </>
  );
}

export function Wrapper() {
  return (
    <>
      <BatchUploader
        endpoint="/api/gp"
        patientField="required"
        maxFiles={10}
        maxFileSize="50MB"
        showHistory
        getAuthToken={() => null}
        onBatchComplete={(e) => e.detail.counts.completed}
        onBatchFilesAdded={(e) => e.detail.files.length}
      />
      {/* @ts-expect-error: maxFiles is a number */}
      <BatchUploader maxFiles="many" />
      {/* @ts-expect-error: the detail of batch-complete has no such field */}
      <BatchUploader onBatchComplete={(e) => e.detail.nope} />
    </>
  );
}
