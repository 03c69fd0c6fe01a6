// Issue 12: `confine check` judges each property by what a probe saw inside the unit.

import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {describe, test} from 'node:test';

import {PROBE_SCRIPT, checkPassed, evaluateCheck, formatCheck, parseFindings} from '../../src/core/profileCheck.js';
import {profileOf} from './fixtures.js';

const STRICT = profileOf({name: 'Strict', MemoryMax: '70%', CPUQuota: '100%', TasksMax: 200, NoNewPrivileges: true,
    PrivateTmp: true, PrivateNetwork: true, ProtectHome: 'read-only', ProtectSystem: 'full'}, 'strict');

const ENFORCED = `fs=cgroup2fs
root.controllers=cpuset cpu io memory pids
unit.controllers=cpu memory pids
file.memory.max=5000000000
file.cpu.max=100000 100000
file.pids.max=200
nnp=1
tmp=private
net=lo 
home.entries=12
home.write=no
mount./usr=ro,nosuid
mount./etc=ro,relatime
mount./var=rw,relatime
wayland=yes
bus=yes
`;

function detailOf(rows: ReturnType<typeof evaluateCheck>, property: string): string {
    return rows.find(row => row.property === property)?.detail ?? '(no row)';
}

describe('evaluateCheck', () => {
    test('everything in effect on a real kernel with delegation', () => {
        const rows = evaluateCheck(STRICT, parseFindings(ENFORCED));
        assert.deepEqual(rows.map(row => [row.property, row.state]), [
            ['MemoryMax', 'in-effect'], ['CPUQuota', 'in-effect'], ['TasksMax', 'in-effect'],
            ['NoNewPrivileges', 'in-effect'], ['PrivateTmp', 'in-effect'], ['PrivateNetwork', 'in-effect'],
            ['ProtectHome', 'in-effect'], ['ProtectSystem', 'in-effect'],
            ['Wayland display', 'info'], ['Session bus', 'info'],
        ]);
        assert.equal(detailOf(rows, 'MemoryMax'), 'enforced: memory.max = 5000000000');
        assert.ok(checkPassed(rows));
    });

    test('limits without their controller are recorded but not enforced, and say why', () => {
        const noControllers = parseFindings(ENFORCED.replace(/^file\..*\n/gm, '')
            .replace(/^root\.controllers=.*$/m, 'root.controllers=').replace(/^unit\.controllers=.*$/m, 'unit.controllers='));
        const rows = evaluateCheck(STRICT, noControllers);
        assert.equal(detailOf(rows, 'MemoryMax'), 'recorded but not enforced here: no memory controller');
        assert.equal(detailOf(rows, 'CPUQuota'), 'recorded but not enforced here: no cpu controller');
        assert.ok(!checkPassed(rows));
        const undelegated = parseFindings(ENFORCED.replace(/^file\.memory.*\n/m, '')
            .replace(/^unit\.controllers=.*$/m, 'unit.controllers=cpu pids'));
        assert.equal(detailOf(evaluateCheck(STRICT, undelegated), 'MemoryMax'),
            'recorded but not enforced here: the memory controller is not delegated to the user manager');
        const v1 = parseFindings(ENFORCED.replace(/^file\..*\n/gm, '').replace('fs=cgroup2fs', 'fs=tmpfs'));
        assert.equal(detailOf(evaluateCheck(STRICT, v1), 'TasksMax'), 'recorded but not enforced here: cgroup v1');
    });

    test('sandbox options that did nothing fail the check', () => {
        const open = parseFindings('fs=cgroup2fs\nnnp=0\ntmp=shared\nnet=eth0 lo\nhome.entries=3\nhome.write=yes\n' +
            'mount./usr=rw\nmount./etc=ro\nwayland=no\nbus=no\n');
        const rows = evaluateCheck(STRICT, open);
        for (const property of ['NoNewPrivileges', 'PrivateTmp', 'PrivateNetwork', 'ProtectHome', 'ProtectSystem'])
            assert.equal(rows.find(row => row.property === property)?.state, 'not-in-effect', property);
        assert.equal(detailOf(rows, 'ProtectSystem'), '/usr not read-only');
        assert.match(detailOf(rows, 'Wayland display'), /NOT reachable/);
        const hidden = profileOf({name: 'Hidden', ProtectHome: 'tmpfs', PrivateTmp: false}, 'hidden');
        const hiddenRows = evaluateCheck(hidden, parseFindings('home.entries=0\nhome.write=no\n'));
        assert.deepEqual(hiddenRows.map(row => row.property), ['ProtectHome', 'Wayland display', 'Session bus'],
            'a property set to false asks for nothing');
        assert.equal(detailOf(hiddenRows, 'ProtectHome'), 'home is hidden');
    });

    test('the table has one line per row under a header', () => {
        const table = formatCheck(evaluateCheck(STRICT, parseFindings(ENFORCED)));
        const lines = table.split('\n');
        assert.equal(lines.length, 11);
        assert.match(lines[0], /^PROPERTY\s+ASKED\s+ON THIS MACHINE$/);
        assert.match(lines[1], /^MemoryMax\s+70%\s+enforced: memory\.max = 5000000000$/);
    });

    test('the probe runs under sh and reports every finding', () => {
        const output = execFileSync('sh', ['-c', PROBE_SCRIPT, 'confine-check', '/nonexistent/marker', '.confine-check-test'],
            {env: {...process.env, HOME: '/tmp', WAYLAND_DISPLAY: '', DBUS_SESSION_BUS_ADDRESS: ''}}).toString();
        const findings = parseFindings(output);
        for (const key of ['fs', 'nnp', 'tmp', 'net', 'home.entries', 'home.write', 'mount./usr', 'mount./etc', 'wayland', 'bus'])
            assert.ok(findings.has(key), `${key} in ${JSON.stringify(output)}`);
        assert.equal(findings.get('tmp'), 'private', 'the marker does not exist');
        assert.equal(findings.get('home.write'), 'yes');
        assert.equal(findings.get('wayland'), 'no');
    });
});
