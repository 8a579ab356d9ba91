// Uppy's Dashboard on a page: core and the dashboard UI (an upload plugin such as
// @uppy/xhr-upload would come on top; it is not installed here).
import Uppy from '@uppy/core';
import Dashboard from '@uppy/dashboard';

new Uppy({ restrictions: { maxNumberOfFiles: 50 } }).use(Dashboard, { inline: true, target: '#uploader' });
