import {strict as assert} from 'node:assert';
import {test} from 'node:test';

import {findProperty} from '../../src/core/properties.js';
import {
    ineffectiveProperties, ineffectiveness, parseControllers, userManagerControllersPath, userNamespacesAvailable,
    type MachineSupport,
} from '../../src/core/machine.js';

const DEBIAN_DEFAULT: MachineSupport = {
    controllers: parseControllers('cpu memory pids\n'),
    unprivilegedUsernsClone: '1\n',
    maxUserNamespaces: '63478\n',
};

test('the controllers file of the user manager is found by uid', () => {
    assert.equal(userManagerControllersPath(1000),
        '/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/cgroup.subtree_control');
});

test('parseControllers splits on any white space', () => {
    assert.deepEqual([...parseControllers(' cpuset cpu  io\tmemory pids\n')], ['cpuset', 'cpu', 'io', 'memory', 'pids']);
    assert.equal(parseControllers('\n').size, 0);
});

test('IOWeight and AllowedCPUs have no effect without io and cpuset delegated', () => {
    const ineffective = ineffectiveProperties(DEBIAN_DEFAULT);
    assert.deepEqual([...ineffective.keys()], ['AllowedCPUs', 'IOWeight']);
    assert.deepEqual(ineffective.get('IOWeight'), {reason: 'controller', controller: 'io'});
    assert.deepEqual(ineffective.get('AllowedCPUs'), {reason: 'controller', controller: 'cpuset'});
});

test('with every controller delegated everything acts', () => {
    const support = {...DEBIAN_DEFAULT, controllers: parseControllers('cpuset cpu io memory pids')};
    assert.equal(ineffectiveProperties(support).size, 0);
});

test('unknown controllers are not reported as missing', () => {
    assert.equal(ineffectiveness(findProperty('IOWeight')!, {...DEBIAN_DEFAULT, controllers: null}), null);
});

test('sandbox options need unprivileged user namespaces', () => {
    assert.equal(userNamespacesAvailable(DEBIAN_DEFAULT), true);
    const cloneOff = {...DEBIAN_DEFAULT, unprivilegedUsernsClone: '0\n'};
    assert.equal(userNamespacesAvailable(cloneOff), false);
    assert.deepEqual(ineffectiveness(findProperty('PrivateTmp')!, cloneOff), {reason: 'user-namespaces'});
    assert.equal(ineffectiveness(findProperty('MemoryMax')!, cloneOff), null);
    const noNamespaces = {...DEBIAN_DEFAULT, unprivilegedUsernsClone: null, maxUserNamespaces: '0'};
    assert.equal(userNamespacesAvailable(noNamespaces), false);
    assert.equal(userNamespacesAvailable({...DEBIAN_DEFAULT, unprivilegedUsernsClone: null, maxUserNamespaces: null}), true);
});
