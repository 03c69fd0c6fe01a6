// Five disable/enable cycles leave the extension ACTIVE, error-free and quiet.
export const title = 'disable then enable five times';

export default async function (ctx) {
    const { assert, ExtensionState } = ctx;
    const cursor = await ctx.journalCursor();
    const stateOf = async () => (await ctx.extensionInfo()).state;
    for (let i = 1; i <= 5; i++) {
        await ctx.shOk(`gnome-extensions disable ${ctx.uuid}`);
        await ctx.waitFor(async () => await stateOf() === ExtensionState.INACTIVE, 10_000,
            `INACTIVE after disable #${i}`);
        await ctx.shOk(`gnome-extensions enable ${ctx.uuid}`);
        await ctx.waitFor(async () => await stateOf() === ExtensionState.ACTIVE, 10_000,
            `ACTIVE after enable #${i}`);
    }
    assert.equal(await stateOf(), ExtensionState.ACTIVE);
    assert.deepEqual(await ctx.extensionErrors(), []);
    assert.deepEqual(ctx.jsExceptions(await ctx.journal({ cursor, all: true })), [],
        'new JS exceptions mentioning the extension');
}
