import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import tseslint from 'typescript-eslint';

const restrict = (...patterns) => ({
    'no-restricted-imports': ['error', {patterns: patterns.map(([regex, message]) => ({regex, message, caseSensitive: true}))}],
});

const GTK = ['^gi://(Gtk|Gdk|Adw)(\\?.*)?$', 'Shell code runs in gnome-shell: Gtk, Gdk and Adw must not be imported there.'];
const SHELL = ['^(gi://(Clutter|Meta|St|Shell|Mtk)(\\?.*)?|resource:///org/gnome/shell/.*)$',
    'Preferences run in their own process: Clutter, Meta, St, Shell and the shell\'s JS are not available there.'];
const GI = ['^(gi|resource)://', 'The core is pure TypeScript: no gi:// or resource:// imports.'];

export default tseslint.config(
    {ignores: ['dist/**', 'node_modules/**', 'test/e2e/**/*.sh']},
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            'eqeqeq': ['error', 'always'],
            'no-var': 'error',
            'prefer-const': 'error',
            '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_'}],
        },
    },
    {
        // Rules that need the types: a promise nobody awaits or handles loses its errors,
        // and an async function where a callback's result is used (a signal handler that
        // must return a boolean, a filter) returns a promise instead.
        files: ['**/*.ts'],
        languageOptions: {parserOptions: {projectService: true, tsconfigRootDir: import.meta.dirname}},
        rules: {
            '@typescript-eslint/no-floating-promises': ['error', {
                // node:test runs the tests its describe() and test() return promises for.
                allowForKnownSafeCalls: [{from: 'package', package: 'node:test', name: ['describe', 'test', 'it']}],
            }],
            '@typescript-eslint/no-misused-promises': 'error',
            '@typescript-eslint/await-thenable': 'error',
        },
    },
    {
        // The format check: the layout the code already has (GNOME's JavaScript style),
        // enforced rather than re-printed, so no file had to be reformatted to pass it.
        files: ['**/*.ts', '**/*.js', '**/*.mjs'],
        plugins: {'@stylistic': stylistic},
        rules: {
            '@stylistic/indent': ['error', 4, {SwitchCase: 0, ignoredNodes: ['ConditionalExpression *', 'CallExpression > ArrowFunctionExpression *']}],
            '@stylistic/quotes': ['error', 'single', {avoidEscape: true, allowTemplateLiterals: 'always'}],
            '@stylistic/semi': ['error', 'always'],
            '@stylistic/object-curly-spacing': ['error', 'never'],
            '@stylistic/comma-dangle': ['error', 'always-multiline'],
            '@stylistic/no-trailing-spaces': 'error',
            '@stylistic/eol-last': 'error',
            '@stylistic/no-multiple-empty-lines': ['error', {max: 1}],
            '@stylistic/brace-style': ['error', '1tbs', {allowSingleLine: true}],
            '@stylistic/keyword-spacing': 'error',
            '@stylistic/space-before-blocks': 'error',
            '@stylistic/arrow-parens': ['error', 'as-needed'],
            '@stylistic/max-len': ['error', {code: 150, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true}],
        },
    },
    {
        // The e2e and VM harnesses mix {a} and { a }; left as they are rather than reformatted.
        files: ['test/e2e/**', 'test/vm/**'],
        rules: {'@stylistic/object-curly-spacing': 'off'},
    },
    {files: ['src/core/**'], rules: restrict(GI)},
    {files: ['src/extension.ts', 'src/shell/**'], rules: restrict(GTK)},
    {files: ['src/prefs.ts', 'src/prefs/**'], rules: restrict(SHELL)},
    {files: ['src/cli/**', 'src/settings/**'], rules: restrict(GTK, SHELL)},
    // The schema's names and values, which the core imports too.
    {files: ['src/settings/schema.ts'], rules: restrict(GI)},
    {
        files: ['**/*.mjs', '**/*.js'],
        // Plain JavaScript runs under node (build, e2e harness) or gjs (test/gjs, e2e guest code):
        // the globals both provide, plus each one's own.
        languageOptions: {
            globals: Object.fromEntries([
                'console', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'TextDecoder', 'TextEncoder', 'URL',
                'process', 'Buffer', 'imports', 'print', 'printerr', 'ARGV',
            ].map(name => [name, 'readonly'])),
        },
        // A file may still name its globals in a /* global */ comment.
        rules: {'no-redeclare': ['error', {builtinGlobals: false}]},
    },
);
