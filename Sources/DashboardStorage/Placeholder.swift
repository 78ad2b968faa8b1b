// DashboardStorage: see the issue tracker for status.
