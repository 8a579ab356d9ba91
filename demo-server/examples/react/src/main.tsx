import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { UploadPanel } from './upload-panel';

// The demo server's page says where the API is and whether it wants a token.
const root = document.getElementById('app')!;
createRoot(root).render(
  <StrictMode>
    <UploadPanel endpoint={root.dataset.endpoint ?? '/api/gp'} askForToken={root.dataset.auth === 'token'} />
  </StrictMode>,
);
