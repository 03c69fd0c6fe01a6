import {strict as assert} from 'node:assert';
import {test} from 'node:test';

import {describeSize, formatBinarySize, formatPercent, parseMemTotal, quotaInCpus} from '../../src/core/describe.js';
import {checkValue} from '../../src/core/validation.js';

const GIB = 2 ** 30;

test('parseMemTotal reads MemTotal in kB from /proc/meminfo', () => {
    const meminfo = 'MemTotal:       16303428 kB\nMemFree:         1234 kB\nMemAvailable:   99 kB\n';
    assert.equal(parseMemTotal(meminfo), 16303428 * 1024);
    assert.equal(parseMemTotal('MemFree: 1 kB\n'), null);
});

test('a percentage of RAM is turned into bytes of this machine', () => {
    const normalized = checkValue('MemoryMax', '70%');
    assert.ok(normalized.ok);
    const meaning = describeSize(normalized.value, 16 * GIB);
    assert.deepEqual(meaning, {kind: 'percent', percent: 70, total: 16 * GIB, bytes: 0.7 * 16 * GIB});
    assert.equal(formatBinarySize(0.7 * 16 * GIB), '11.2 GiB');
});

test('an absolute size is turned into a share of this machine', () => {
    const normalized = checkValue('MemoryHigh', '4.5g');
    assert.ok(normalized.ok);
    assert.equal(normalized.value, '4.5G');
    assert.deepEqual(describeSize(normalized.value, 18 * GIB), {kind: 'absolute', bytes: 4.5 * GIB, total: 18 * GIB, percent: 25});
    assert.deepEqual(describeSize('512M', null), {kind: 'absolute', bytes: 512 * 2 ** 20, total: null, percent: null});
    assert.deepEqual(describeSize('0', 8 * GIB), {kind: 'absolute', bytes: 0, total: 8 * GIB, percent: 0});
});

test('infinity means no limit and RAM size is optional', () => {
    assert.deepEqual(describeSize('infinity', 8 * GIB), {kind: 'unlimited'});
    assert.deepEqual(describeSize('50%', null), {kind: 'percent', percent: 50, total: null, bytes: null});
});

test('describeSize refuses text that checkValue did not normalize', () => {
    assert.throws(() => describeSize('4 GB', GIB), /not a normalized size/);
});

test('sizes and percentages are formatted for people', () => {
    assert.equal(formatBinarySize(512), '512 bytes');
    assert.equal(formatBinarySize(1536), '1.5 KiB');
    assert.equal(formatBinarySize(15.5 * GIB), '15.5 GiB');
    assert.equal(formatPercent(25), '25');
    assert.equal(formatPercent(33.333), '33.3');
});

test('a CPU quota is a number of CPUs', () => {
    assert.equal(quotaInCpus('150%'), 1.5);
    assert.equal(quotaInCpus('400%'), 4);
    assert.throws(() => quotaInCpus('1.5'), /not a normalized CPU quota/);
});
