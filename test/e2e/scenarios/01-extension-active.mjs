// The packed zip installs, the extension is ACTIVE with no errors, and the
// shell logged no JS exception mentioning it.
export const title = 'installs from the zip and is ACTIVE without errors';

export default async function (ctx) {
    const { assert, ExtensionState } = ctx;
    const info = await ctx.waitFor(async () => {
        const i = await ctx.extensionInfo();
        return i.state === ExtensionState.ACTIVE ? i : null;
    }, 10_000, 'the extension to be ACTIVE').catch(async e => {
        const i = await ctx.extensionInfo();
        throw new Error(`${e.message}; info: ${JSON.stringify(i)}; errors: ${JSON.stringify(await ctx.extensionErrors())}`);
    });
    assert.equal(info.uuid, ctx.uuid);
    assert.equal(info.name, 'Confine');
    assert.equal(info.path, ctx.extensionDir, 'installed per user by gnome-extensions install');
    assert.deepEqual(await ctx.extensionErrors(), []);

    const enabled = await ctx.gsettings('get', 'org.gnome.shell', 'enabled-extensions');
    assert.match(enabled, /confine@confine\.github\.io/);
    // The extension's own schema is installed and readable.
    await ctx.gsettings('list-keys', 'org.gnome.shell.extensions.confine');

    assert.deepEqual(ctx.jsExceptions(await ctx.journal({ all: true })), [],
        'JS exceptions mentioning the extension in the journal');
}
