// Poking a held VM while debugging a scenario:
//   CONFINE_E2E_HOLD=900 CONFINE_E2E_ONLY=20 bash test/vm/run.sh &   # prints the agent socket
//   node test/vm/lib/dev.mjs SOCKET 'Main.overview.visible'          # Eval in the shell
//   node test/vm/lib/dev.mjs SOCKET --sh 'systemctl --user list-units' # as tester
//   node test/vm/lib/dev.mjs SOCKET --root 'swapon --show'             # as root
import { Shell } from '../../e2e/lib/shell.mjs';
import { VmGuest } from './vm.mjs';

const [socket, ...rest] = process.argv.slice(2);
const vm = new VmGuest(socket);
let r;
if (rest[0] === '--sh' || rest[0] === '--root') {
    r = await (rest[0] === '--sh' ? vm.sh(rest.slice(1).join(' ')) : vm.rootSh(rest.slice(1).join(' ')));
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
} else {
    console.log(JSON.stringify(await new Shell(vm).eval(rest.join(' ')), null, 2));
}
vm.close();
process.exit(r?.code ?? 0);
