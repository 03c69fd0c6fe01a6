import GLib from 'gi://GLib';

print('confine: usage: confine run|shell|profiles|show|assign|unassign|ps');
GLib.get_home_dir();
