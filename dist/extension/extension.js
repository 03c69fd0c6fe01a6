import { Extension } from "resource:///org/gnome/shell/extensions/extension.js";
import { Confinement } from "./shell/confinement.js";
class ConfineExtension extends Extension {
  #confinement = null;
  enable() {
    this.#confinement = new Confinement(this);
  }
  disable() {
    this.#confinement?.destroy();
    this.#confinement = null;
  }
}
export {
  ConfineExtension as default
};
