function shellQuote(word) {
  return `'${word.replace(/'/g, "'\\''")}'`;
}
function escapeFieldCodes(text) {
  return text.replace(/%/g, "%%");
}
function toExecLine(argv) {
  return argv.map((word) => escapeFieldCodes(shellQuote(word))).join(" ");
}
function prefixExec(prefix, exec) {
  return `${toExecLine(prefix)} ${exec}`;
}
export {
  escapeFieldCodes,
  prefixExec,
  shellQuote,
  toExecLine
};
