class Confinement {
  #settings;
  constructor(extension) {
    this.#settings = extension.getSettings();
  }
  destroy() {
    this.#settings = null;
  }
}
export {
  Confinement
};
