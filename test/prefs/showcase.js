// Holds a preferences window in a state worth a screenshot: the editor of the
// "strict" profile with an invalid size typed into it. The e2e screenshot scenario
// starts this, photographs the window, then creates the file named in ARGV[0],
// upon which it exits. Runs with the real settings of the session.

import GLib from 'gi://GLib';
import {exit} from 'system';

import {first} from './environment.js';
import {waitUntil, wait} from './testing.js';

const doneFile = ARGV[0];
const {dialog} = first;
let profiles = null;
for (let page = dialog.visible_page.get_parent().get_first_child(); page; page = page.get_next_sibling()) {
    if (page.name === 'profiles')
        profiles = page;
}
dialog.visible_page = profiles;
dialog.present();
const editor = await profiles.openEditor('strict');
await waitUntil(() => editor.get_mapped(), 'the editor to show');
editor.editors.get('MemoryHigh').entry.text = '2 GB';
// Past the subpage's slide-in animation.
await wait(2000);
print('READY');
await waitUntil(() => GLib.file_test(doneFile, GLib.FileTest.EXISTS), 'the screenshot', 60000);
dialog.close();
exit(0);
