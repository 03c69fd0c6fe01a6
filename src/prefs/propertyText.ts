// The sentences next to a property: what its value means on this machine and
// whether it will act at all. Numbers come from the core; only wording lives here.

import {gettext as _} from 'resource:///org/gnome/Shell/Extensions/js/extensions/prefs.js';

import {describeSize, formatBinarySize, formatPercent, quotaInCpus} from '../core/describe.js';
import {ineffectiveness} from '../core/machine.js';
import type {PropertySpec} from '../core/properties.js';
import type {MachineInfo} from './machineInfo.js';
import {format} from './text.js';

/** The catalogue's label and help, through the translation catalogue. */
export function propertyLabel(spec: PropertySpec): string {
    return _(spec.label);
}

export function propertyHelp(spec: PropertySpec): string {
    return _(spec.help);
}

/** What a valid, normalized value means here, such as "70 % ≈ 10.9 GiB of 15.5 GiB". */
export function valueMeaning(spec: PropertySpec, value: string, machine: MachineInfo): string {
    switch (spec.kind) {
    case 'size': {
        const meaning = describeSize(value, machine.memTotal);
        if (meaning.kind === 'unlimited')
            return _('No limit');
        if (meaning.kind === 'percent') {
            if (meaning.bytes === null || meaning.total === null)
                return format(_('%s %% of the RAM'), formatPercent(meaning.percent));
            return format(_('%s %% ≈ %s of %s'), formatPercent(meaning.percent),
                formatBinarySize(meaning.bytes), formatBinarySize(meaning.total));
        }
        if (meaning.percent === null || meaning.total === null)
            return formatBinarySize(meaning.bytes);
        return format(_('%s = %s %% of %s'), formatBinarySize(meaning.bytes),
            formatPercent(meaning.percent), formatBinarySize(meaning.total));
    }
    case 'cpu-quota':
        return format(_('%s of %s CPUs'), formatPercent(quotaInCpus(value)), machine.cpus);
    case 'weight':
        return format(_('%s (the default is 100)'), value);
    case 'tasks':
        return value === 'infinity' ? _('No limit') : value;
    case 'cpu-set':
        return format(_('CPUs %s (this machine has CPUs 0–%s)'), value, machine.cpus - 1);
    default:
        // Switches and choices show their value themselves.
        return propertyHelp(spec);
    }
}

/** Why the property does nothing on this machine, or null. */
export function ineffectiveNote(spec: PropertySpec, machine: MachineInfo): string | null {
    const why = ineffectiveness(spec, machine.support);
    if (why === null)
        return null;
    if (why.reason === 'user-namespaces')
        return _('No effect here: unprivileged user namespaces are turned off, which sandboxing in the user session needs.');
    return format(_('No effect here: the user session is not delegated the “%s” cgroup controller.'), why.controller);
}

export const MANAGED_BY_ADMINISTRATOR = (): string => _('Managed by your administrator');
