/**
 * The history's code, apart from the rest of the element: the bundle puts it in a chunk
 * of its own, loaded when a page shows the history or opens a batch (see
 * controllers/lazy-history.ts).
 */
export { HistoryController } from '../controllers/history-controller.js';
export { batchSummary } from './history-detail.js';
export { historyPanel, type HistoryView } from './history-panel.js';
