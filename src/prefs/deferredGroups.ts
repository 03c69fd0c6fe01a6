// Groups a preferences page shows only once it is first mapped. The window's view
// stack measures every page, shown or not; a page whose groups are not in it yet
// costs nothing at start-up. The groups are asked for only then, so a page can
// build its rows then too (or earlier, when something uses them before it shows).

import type Adw from 'gi://Adw';

export function addWhenShown(page: Adw.PreferencesPage, groups: () => Adw.PreferencesGroup[]): void {
    const id = page.connect('map', () => {
        page.disconnect(id);
        for (const group of groups())
            page.add(group);
    });
}
