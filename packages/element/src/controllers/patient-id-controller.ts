import type { ReactiveControllerHost } from 'lit';
import type { BatchUploaderStrings } from '../strings.js';
import { patientProblem } from '../views/patient-field.js';

/** The element's Patient ID settings, which this controller reads and the field writes. */
export interface PatientIdHost extends ReactiveControllerHost, HTMLElement {
  patientId: string;
  patientField: 'hidden' | 'optional' | 'required';
}

/**
 * The Patient ID field's check: Start is refused with a message, and focus moves to the
 * field, when a required ID is missing or an ID has characters the server refuses; the
 * message goes as soon as the ID is right. The ID itself is the host's `patientId`.
 */
export class PatientIdController {
  /** Why the ID cannot be sent, shown under the field; '' when it can (or Start was not pressed yet). */
  error = '';
  readonly #host: PatientIdHost;
  readonly #strings: () => BatchUploaderStrings;
  /** The ID as typed in the field last (null: the host's, or none typed). */
  #typed: string | null = null;

  constructor(host: PatientIdHost, strings: () => BatchUploaderStrings) {
    this.#host = host;
    this.#strings = strings;
  }

  /** The field's input event. */
  readonly onInput = (event: Event): void => {
    this.#host.patientId = this.#typed = (event.target as HTMLInputElement).value;
    if (this.error) this.error = this.#problem();
  };

  /**
   * Starting over: an ID typed in the field goes (the next batch is most often another
   * patient's, and a left-over ID would file it to the wrong one); one the host set stays.
   */
  forgetTyped(): void {
    this.error = '';
    if (this.#typed !== null && this.#host.patientId === this.#typed) this.#host.patientId = '';
    this.#typed = null;
  }

  /** True when the ID may be sent; otherwise shows why and focuses the field. */
  async check(): Promise<boolean> {
    this.error = this.#problem();
    if (!this.error) return true;
    this.#host.requestUpdate();
    await this.#host.updateComplete;
    this.#host.shadowRoot?.querySelector<HTMLInputElement>('#patient-id')?.focus();
    return false;
  }

  #problem(): string {
    return patientProblem(this.#host.patientId, this.#host.patientField === 'required', this.#strings());
  }
}
