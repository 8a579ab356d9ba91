import { provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { UploadPanel } from './upload-panel.component';

// The component takes over the page's #app, which says where the API is and whether it wants a token.
bootstrapApplication(UploadPanel, { providers: [provideZonelessChangeDetection()] }).catch((error: unknown) => console.error(error));
