// Debugging aid: evaluates JavaScript in the shell of a held container.
//   CONFINE_E2E_HOLD=900 bash test/e2e/run.sh &   # prints the leader PID
//   node test/e2e/lib/dev.mjs <leader PID> 'Main.overview.visible'
//   node test/e2e/lib/dev.mjs <leader PID> --sh 'systemctl --user list-units'
import { Container } from './container.mjs';
import { Shell } from './shell.mjs';

const [leader, ...rest] = process.argv.slice(2);
const container = new Container(Number(leader));
if (rest[0] === '--sh') {
    const r = await container.sh(rest.slice(1).join(' '));
    process.stdout.write(r.stdout + r.stderr);
} else if (rest[0] === '--root') {
    const r = await container.rootSh(rest.slice(1).join(' '));
    process.stdout.write(r.stdout + r.stderr);
} else {
    console.log(JSON.stringify(await new Shell(container).eval(rest.join(' ')), null, 1));
}
