// RemoteExec: see the issue tracker for status.
