#ifndef SERVER_DASHBOARD_CLIBPQ_SHIM_H
#define SERVER_DASHBOARD_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
