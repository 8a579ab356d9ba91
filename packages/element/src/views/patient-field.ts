import { html, nothing, type TemplateResult } from 'lit';
import { FIELD_PATTERN, MAX_FIELD_LENGTH } from '@batch-uploader/protocol';
import type { BatchUploaderStrings } from '../strings.js';

/** What the Patient ID field shows. */
export interface PatientFieldView {
  strings: BatchUploaderStrings;
  required: boolean;
  value: string;
  /** Why the value cannot be sent; '' when it can. */
  error: string;
  onInput: (event: Event) => void;
}

/** The Patient ID field: label (with "(optional)"), input, and its error tied to it. */
export function patientField({ strings: t, required, value, error, onInput }: PatientFieldView): TemplateResult {
  return html`<div part="field" class="field">
    <label for="patient-id">${t.patientId} ${required ? nothing : html`<span class="muted">${t.optional}</span>`}</label>
    <input
      id="patient-id"
      part="patient-input"
      name="patient_id"
      autocomplete="off"
      spellcheck="false"
      maxlength=${MAX_FIELD_LENGTH}
      ?required=${required}
      aria-invalid=${error ? 'true' : 'false'}
      aria-describedby=${error ? 'patient-error' : nothing}
      .value=${value}
      @input=${onInput}
    />
    ${error ? html`<p id="patient-error" part="field-error" class="field-error">${error}</p>` : nothing}
  </div>`;
}

/** Why a Patient ID cannot be sent ('' when it can): missing while required, or characters the server refuses. */
export function patientProblem(value: string, required: boolean, t: BatchUploaderStrings): string {
  const id = value.trim();
  if (required && id === '') return t.patientIdMissing;
  if (id !== '' && (id.length > MAX_FIELD_LENGTH || !FIELD_PATTERN.test(id))) return t.patientIdInvalid;
  return '';
}
