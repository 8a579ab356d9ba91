import { createApp } from 'vue';
import UploadPanel from './upload-panel.vue';

// The demo server's page says where the API is and whether it wants a token.
const root = document.getElementById('app')!;
const app = createApp(UploadPanel, { endpoint: root.dataset.endpoint ?? '/api/gp', askForToken: root.dataset.auth === 'token' });
app.mount(root);
