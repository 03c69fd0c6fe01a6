// The Exec rendering, string for string. That GLib parses these strings back into
// the same argv is tested under real GLib in test/gjs/execRoundTrip.js.

import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {escapeFieldCodes, prefixExec, shellQuote, toExecLine} from '../../src/core/execLine.js';
import {buildLaunchPlan} from '../../src/core/launchPlan.js';
import {profileOf} from './fixtures.js';

describe('shellQuote', () => {
    test('single-quotes every word as g_shell_quote does', () => {
        const cases: [string, string][] = [
            ['systemd-run', "'systemd-run'"],
            ['', "''"],
            ['two words', "'two words'"],
            ["it's", "'it'\\''s'"],
            ["''", "''\\'''\\'''"],
            ['"double"', "'\"double\"'"],
            ['$HOME `id` $(id)', "'$HOME `id` $(id)'"],
            ['back\\slash', "'back\\slash'"],
            ['new\nline', "'new\nline'"],
            ['a;b&c|d>e<f*g?h~i#j', "'a;b&c|d>e<f*g?h~i#j'"],
            ['50%', "'50%'"],
            ['é😀', "'é😀'"],
        ];
        for (const [word, quoted] of cases)
            assert.equal(shellQuote(word), quoted, JSON.stringify(word));
    });
});

describe('escapeFieldCodes', () => {
    test('doubles every percent sign', () => {
        assert.equal(escapeFieldCodes('CPUQuota=150%'), 'CPUQuota=150%%');
        assert.equal(escapeFieldCodes('%U %f %%'), '%%U %%f %%%%');
        assert.equal(escapeFieldCodes('%'), '%%');
        assert.equal(escapeFieldCodes('no percent'), 'no percent');
    });
});

describe('toExecLine', () => {
    test('quotes each word and protects its percent signs', () => {
        assert.equal(toExecLine(['systemd-run', '--user', '--property=CPUQuota=150%', '--']),
            "'systemd-run' '--user' '--property=CPUQuota=150%%' '--'");
        assert.equal(toExecLine(["it's 100%", '']), "'it'\\''s 100%%' ''");
        assert.equal(toExecLine(['%U']), "'%%U'");
        assert.equal(toExecLine([]), '');
    });

    test('renders a whole launch plan', () => {
        const plan = buildLaunchPlan({
            desktopId: 'firefox-esr.desktop', appName: 'Firefox ESR', suffix: 'abc123',
            profile: profileOf({name: 'Half a CPU', MemoryMax: '70%', CPUQuota: '50%'}),
        });
        assert.equal(toExecLine(plan.argv), [
            "'systemd-run'", "'--user'", "'--scope'", "'--unit=app-confine-firefox\\x2desr-abc123.scope'",
            "'--description=Firefox ESR (Confine profile Half a CPU)'", "'--collect'", "'--quiet'",
            "'--property=MemoryMax=70%%'", "'--property=CPUQuota=50%%'", "'--'",
        ].join(' '));
    });
});

describe('prefixExec', () => {
    test('puts the prefix in front and leaves the app\'s own field codes alone', () => {
        assert.equal(prefixExec(['systemd-run', '--scope', '--'], 'firefox-esr %u'),
            "'systemd-run' '--scope' '--' firefox-esr %u");
        assert.equal(prefixExec(['a b'], '"/opt/My App/run" --name=%c %%done %U'),
            "'a b' \"/opt/My App/run\" --name=%c %%done %U");
    });
});
