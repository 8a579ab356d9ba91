import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { selectSending, type SessionState } from '@batch-uploader/sdk';

/**
 * Asks the browser to confirm leaving the page (`beforeunload`) while bytes are being
 * sent, and only then: leaving cuts the upload short. Processing goes on on the server
 * without the page, so a batch being processed does not hold the person back.
 */
export class LeaveWarningController implements ReactiveController {
  readonly #state: () => SessionState;
  #armed = false;

  constructor(host: ReactiveControllerHost, state: () => SessionState) {
    this.#state = state;
    host.addController(this);
  }

  hostUpdated(): void {
    this.#arm(selectSending(this.#state()));
  }

  hostDisconnected(): void {
    this.#arm(false);
  }

  #arm(on: boolean): void {
    if (on === this.#armed) return;
    this.#armed = on;
    if (on) window.addEventListener('beforeunload', this.#onBeforeUnload);
    else window.removeEventListener('beforeunload', this.#onBeforeUnload);
  }

  // One listener per element: two uploaders on a page arm and disarm on their own.
  readonly #onBeforeUnload = (event: BeforeUnloadEvent): void => {
    event.preventDefault();
    // Older browsers show the prompt only when returnValue is set; its text is not shown.
    event.returnValue = '';
  };
}
