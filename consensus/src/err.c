/* cons_strerror: the CONS_E* error block (400..499). */
#include "cons.h"

const char *
cons_strerror(int code)
{
	switch (code) {
	case 0:
		return "success";
	case CONS_EINVAL:
		return "invalid argument";
	case CONS_ENOMEM:
		return "out of memory";
	case CONS_ENOTLEADER:
		return "no leader known";
	case CONS_ENOTREADY:
		return "node is recovering and not serving";
	case CONS_EBUSY:
		return "too many uncommitted entries";
	case CONS_EMSG:
		return "invalid consensus message";
	case CONS_ECMD:
		return "invalid state-machine command";
	case CONS_EIO:
		return "consensus store I/O error";
	case CONS_ECORRUPT:
		return "consensus store content is corrupt";
	case CONS_EFAILED:
		return "consensus store has failed (fail-stop)";
	case CONS_ESNAPSHOT:
		return "invalid state-machine snapshot";
	case CONS_ETOOBIG:
		return "size limit exceeded";
	default:
		return "unknown error";
	}
}
