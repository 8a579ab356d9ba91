// Defines <batch-uploader> (the npm build: lit and the SDK come from node_modules).
import '@batch-uploader/element/batch-uploader.js';
import { Component, CUSTOM_ELEMENTS_SCHEMA, ElementRef, computed, inject, signal } from '@angular/core';
import type { BatchCompleteDetail, BatchUploaderEvents } from '@batch-uploader/element';
import { FRENCH } from './french';

/** The host app's own panel around the element: a token field, a language switch, and what the element reported. */
@Component({
  selector: '[id=app]',
  // <batch-uploader> is a custom element, not an Angular component: Angular lets its
  // attributes, properties and events through instead of refusing an unknown element.
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <main>
      <h1>Angular example</h1>
      <div class="controls">
        @if (askForToken) {
          <label>Access token <input type="password" autocomplete="off" [value]="token()" (input)="token.set(text($event))" /></label>
        }
        <label>Language
          <select (change)="language.set(text($event) === 'fr' ? 'fr' : 'en')">
            <option value="en">English</option>
            <option value="fr">Français</option>
          </select>
        </label>
      </div>

      <batch-uploader
        [endpoint]="endpoint"
        patient-field="optional"
        template-id="intake"
        show-history
        [lang]="language()"
        [getAuthToken]="getAuthToken"
        [strings]="strings()"
        (batch-created)="onCreated($event)"
        (batch-progress)="onProgress($event)"
        (batch-complete)="onComplete($event)"
        (batch-error)="onError($event)"
      ></batch-uploader>

      <h2>What the app saw</h2>
      <p role="status">{{ status() }}</p>
      @if (finished().length) {
        <ul aria-label="Finished batches">
          @for (b of finished(); track b.batchId) {
            <li>{{ b.batchId }} — {{ b.status }}: {{ b.counts.completed }} succeeded, {{ b.counts.failed }} failed</li>
          }
        </ul>
      } @else {
        <p>No finished batch yet.</p>
      }
    </main>
  `,
})
export class UploadPanel {
  // The demo server's page says where the API is and whether it wants a token.
  readonly #host = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
  readonly endpoint = this.#host.dataset.endpoint ?? '/api/gp';
  readonly askForToken = this.#host.dataset.auth === 'token';

  readonly token = signal('');
  readonly language = signal<'en' | 'fr'>('en');
  readonly status = signal('No batch yet.');
  readonly finished = signal<BatchCompleteDetail[]>([]);
  readonly strings = computed(() => (this.language() === 'fr' ? FRENCH : null));

  // Bound as a property ([getAuthToken]): the element calls it before every request.
  readonly getAuthToken = () => this.token().trim() || null;

  text(event: Event): string {
    return (event.target as HTMLInputElement | HTMLSelectElement).value;
  }

  onCreated(event: BatchUploaderEvents['batch-created']) {
    this.status.set(`Batch ${event.detail.batchId} sent with ${event.detail.totalFiles} files.`);
  }
  onProgress(event: BatchUploaderEvents['batch-progress']) {
    this.status.set(`${event.detail.phase}: ${event.detail.percent}%`);
  }
  onComplete({ detail }: BatchUploaderEvents['batch-complete']) {
    this.status.set(`Batch ${detail.batchId} ${detail.status}.`);
    // After a reload the element reports a batch that finished meanwhile again: keep one entry per batch.
    this.finished.update((list) => (list.some((b) => b.batchId === detail.batchId) ? list : [...list, detail]));
  }
  onError(event: BatchUploaderEvents['batch-error']) {
    this.status.set(`Error ${event.detail.code}: ${event.detail.message}`);
  }
}
