// Defines <batch-uploader> (the npm build: lit and the SDK come from node_modules).
import '@batch-uploader/element/batch-uploader.js';
// The tag in React's JSX types: its attributes, properties and `on<event>` props, checked.
import type {} from '@batch-uploader/element/jsx';
import { useCallback, useState } from 'react';
import type { BatchUploaderEventMap, BatchUploaderEvents } from '@batch-uploader/element';
import { FRENCH } from './french';

type Finished = BatchUploaderEventMap['batch-complete'];

/** The host app's own panel around the element: a token field, a language switch, and what the element reported. */
export function UploadPanel({ endpoint, askForToken }: { endpoint: string; askForToken: boolean }) {
  const [token, setToken] = useState('');
  const [language, setLanguage] = useState<'en' | 'fr'>('en');
  const [status, setStatus] = useState('No batch yet.');
  const [finished, setFinished] = useState<Finished[]>([]);

  // A property, not an attribute: the element calls it before every request.
  const getAuthToken = useCallback(() => token.trim() || null, [token]);

  const onCreated = (event: BatchUploaderEvents['batch-created']) => {
    setStatus(`Batch ${event.detail.batchId} sent with ${event.detail.totalFiles} files.`);
  };
  const onProgress = (event: BatchUploaderEvents['batch-progress']) => {
    setStatus(`${event.detail.phase}: ${event.detail.percent}%`);
  };
  const onComplete = ({ detail }: BatchUploaderEvents['batch-complete']) => {
    setStatus(`Batch ${detail.batchId} ${detail.status}.`);
    // After a reload the element reports a batch that finished meanwhile again: keep one entry per batch.
    setFinished((list) => (list.some((b) => b.batchId === detail.batchId) ? list : [...list, detail]));
  };
  const onError = (event: BatchUploaderEvents['batch-error']) => {
    setStatus(`Error ${event.detail.code}: ${event.detail.message}`);
  };

  return (
    <main>
      <h1>React example</h1>
      <div className="controls">
        {askForToken && (
          <label>
            Access token <input type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} />
          </label>
        )}
        <label>
          Language{' '}
          <select value={language} onChange={(e) => setLanguage(e.target.value === 'fr' ? 'fr' : 'en')}>
            <option value="en">English</option>
            <option value="fr">Français</option>
          </select>
        </label>
      </div>

      <batch-uploader
        endpoint={endpoint}
        patient-field="optional"
        template-id="intake"
        show-history
        lang={language}
        getAuthToken={getAuthToken}
        strings={language === 'fr' ? FRENCH : null}
        onbatch-created={onCreated}
        onbatch-progress={onProgress}
        onbatch-complete={onComplete}
        onbatch-error={onError}
      />

      <h2>What the app saw</h2>
      <p role="status">{status}</p>
      {finished.length === 0 ? (
        <p>No finished batch yet.</p>
      ) : (
        <ul aria-label="Finished batches">
          {finished.map((b) => (
            <li key={b.batchId}>
              {/* The app's own words from the event's counts (its `summary` is in the element's language). */}
              {b.batchId} — {b.status}: {b.counts.completed} succeeded, {b.counts.failed} failed
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
