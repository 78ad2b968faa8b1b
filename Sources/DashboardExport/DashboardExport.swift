// Exports: CSV, XLSX workbooks and Prometheus text exposition, built in memory.
