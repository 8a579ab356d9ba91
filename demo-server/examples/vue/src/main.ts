import { createApp } from 'vue';
import { UploadPanel } from './upload-panel';

// The demo server's page says where the API is and whether it wants a token.
const root = document.getElementById('app')!;
const app = createApp(UploadPanel, { endpoint: root.dataset.endpoint ?? '/api/gp', askForToken: root.dataset.auth === 'token' });
// Templates are compiled here, in the browser: Vue's compiler must know that
// <batch-uploader> is a custom element, or it looks for a Vue component of that name.
app.config.compilerOptions.isCustomElement = (tag) => tag === 'batch-uploader';
app.mount(root);
