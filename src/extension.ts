import {Extension} from 'resource:///org/gnome/shell/extensions/extension.js';

import {Confinement} from './shell/confinement.js';

export default class ConfineExtension extends Extension {
    #confinement: Confinement | null = null;

    override enable(): void {
        this.#confinement = new Confinement(this);
    }

    override disable(): void {
        this.#confinement?.destroy();
        this.#confinement = null;
    }
}
