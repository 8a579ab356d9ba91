import type { SessionPhase } from './session-state.js';

/**
 * What moves a session from one phase to another:
 * - `start`: `start()` began to send the queued files;
 * - `stopped`: the upload ended before the server kept any file (cancelled, refused, or
 *   no file passed the check of its content): back to picking files;
 * - `sent`: the server holds the batch (every file, or those that arrived before a later
 *   request failed for good), which is followed from now on;
 * - `attached`: `attach()` follows a batch that is still running;
 * - `finished`: the batch reached a final status;
 * - `reopened`: a retry put the failed files of a finished batch back in the queue;
 * - `reset`: the batch was forgotten.
 */
export type PhaseEvent = 'start' | 'stopped' | 'sent' | 'attached' | 'finished' | 'reopened' | 'reset';

/**
 * The session's phases: from each phase, where each event leads. An event a row does not
 * list changes nothing there — a late answer of an overtaken request, say, or a live
 * update of a batch that finished already (a retry reopens it, nothing else does).
 * `attach()` starts from a reset session, so its row is `idle`'s.
 */
export const PHASE_TRANSITIONS: Readonly<Record<SessionPhase, Readonly<Partial<Record<PhaseEvent, SessionPhase>>>>> = Object.freeze({
  idle: { start: 'uploading', attached: 'processing', finished: 'finished', reset: 'idle' },
  uploading: { stopped: 'idle', sent: 'processing', reset: 'idle' },
  processing: { finished: 'finished', reset: 'idle' },
  finished: { reopened: 'processing', reset: 'idle' },
});

/** The phase `event` leads to from `phase` (see {@link PHASE_TRANSITIONS}). */
export function nextPhase(phase: SessionPhase, event: PhaseEvent): SessionPhase {
  return PHASE_TRANSITIONS[phase][event] ?? phase;
}
