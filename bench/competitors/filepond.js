// FilePond on a page: the file input becomes a drop area that uploads each file.
import { create } from 'filepond';

create(document.querySelector('input[type=file]'), { allowMultiple: true, maxFiles: 50, server: '/api/gp/upload' });
