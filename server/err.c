/* Error strings of the server block, and the fail-stop exit. */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "srv.h"

const char *
srv_strerror(int code)
{
	switch (code) {
	case SRV_ECONFIG:
		return "bad configuration";
	case SRV_ESTORE:
		return "storage failure";
	case SRV_EDATADIR:
		return "data directory belongs to another node";
	case SRV_EINTERNAL:
		return "internal error";
	case SRV_EUNKNOWN:
		return "outcome unknown (no commit seen in time; counts as "
		       "counted)";
	case SRV_EBACKSTOP:
		return "this server's local attempt cap is reached";
	case SRV_EADMIN:
		return "allowed only on the local admin socket";
	case SRV_EBUSY:
		return "too many commands waiting";
	}
	return code >= 100 && code < 200 ? proto_strerror(code)
	                                 : lk_strerror(code);
}

const char *
srv_err_text(int code)
{
	if (code >= 400 && code < 500)
		return cons_strerror(code);
	return srv_strerror(code);
}

void
srv_fatal(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	LK_ERROR("fatal (fail-stop): %s", msg);
	/* No cleanup: nothing unsynced may be reported durable, and LMDB
	 * recovers from an interrupted process by design. */
	_exit(70);
}
