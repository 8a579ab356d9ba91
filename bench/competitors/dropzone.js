// Dropzone on a page: a drop area that uploads to the batch endpoint.
import Dropzone from 'dropzone';

new Dropzone('#uploader', {
  url: '/api/gp/batch-upload',
  paramName: 'files',
  uploadMultiple: true,
  parallelUploads: 50,
  maxFiles: 50,
  acceptedFiles: 'application/pdf,image/*',
});
