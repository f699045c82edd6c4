/* Error strings of the server block. */
#include <stddef.h>

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
	}
	return code >= 100 && code < 200 ? proto_strerror(code)
	                                 : lk_strerror(code);
}
