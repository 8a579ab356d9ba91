import type { BatchUploaderStringOverrides } from '@batch-uploader/element';

const fichiers = (n: number) => `${n} fichier${n > 1 ? 's' : ''}`;

/** The element's texts in French: the ones on screen while adding, sending and following a batch. */
export const FRENCH: BatchUploaderStringOverrides = {
  dropZone: 'Déposez les documents ici ou choisissez des fichiers',
  dropZoneActive: 'Relâchez pour ajouter les fichiers',
  dropZoneHint: (maxFiles, maxSizeMb) => `PDF ou images, jusqu’à ${maxFiles} fichiers, ${maxSizeMb} Mo chacun`,
  patientId: 'Identifiant patient',
  optional: '(facultatif)',
  fileList: 'Fichiers',
  remove: (name) => `Retirer ${name}`,
  clear: 'Tout retirer',
  start: (n) => `Envoyer le lot (${fichiers(n)})`,
  cancel: 'Annuler',
  retryFailed: (n) => `Renvoyer les échecs (${fichiers(n)})`,
  reset: 'Envoyer un autre lot',
  progress: 'Avancement du lot',
  uploading: (percent) => `Envoi : ${percent} %`,
  processed: (finished, total) => `${finished} sur ${fichiers(total)} traités`,
  statusCards: 'Fichiers par statut',
  status: { queued: 'Prêt', uploading: 'Envoi', pending: 'En attente', processing: 'En cours', completed: 'Terminé', failed: 'Échec', cancelled: 'Annulé' },
  summary: ({ completed, failed, notSent }) => `${completed} réussis, ${failed} en échec${notSent ? `, ${notSent} non envoyés` : ''}`,
  finished: (summary, outcome) => `${outcome} : ${summary}`,
  heading: 'Envoi de documents',
  outcome: {
    succeeded: 'Tous les fichiers ont réussi',
    partial: 'Des fichiers demandent votre attention',
    failed: 'Tous les fichiers ont échoué',
    cancelled: 'Lot annulé',
  },
  attention: (n) => `À traiter (${n})`,
  attentionFailed: (n) => `${fichiers(n)} en échec`,
  notSent: (n) => `${fichiers(n)} non envoyé${n > 1 ? 's' : ''}`,
  steps: { uploading: 'Envoi', uploaded: 'Envoyé', processing: 'Traitement' },
  sending: (sent, total, percent) => `Envoi : ${sent} sur ${fichiers(total)} envoyés (${percent} %)`,
  processing: (finished, total) => `Traitement : ${finished} sur ${fichiers(total)} traités`,
  shares: ({ completed, failed }) => `${completed} réussis, ${failed} en échec`,
};
