/* tpake_strerror: one string per TPAKE_E* code. */
#include "tpake.h"

const char *
tpake_strerror(int code)
{
	switch (code) {
	case 0:
		return "success";
	case TPAKE_EINVAL:
		return "invalid argument";
	case TPAKE_EDECODE:
		return "malformed encoding";
	case TPAKE_EPOINT:
		return "invalid group element or identity";
	case TPAKE_ESCALAR:
		return "scalar not canonical or zero";
	case TPAKE_EAUTH:
		return "authentication failed";
	case TPAKE_EPROOF:
		return "DLEQ proof does not verify";
	case TPAKE_ESHARE:
		return "key share does not match its commitments";
	case TPAKE_EPEER:
		return "server misbehaviour (see blame)";
	case TPAKE_EQUORUM:
		return "not enough agreeing server answers";
	case TPAKE_ESTATE:
		return "state used out of order";
	case TPAKE_EKSF:
		return "key stretching failed";
	case TPAKE_ETOOBIG:
		return "input or output exceeds its limit";
	case TPAKE_ECOMMIT:
		return "server commitments differ from the agreed ones";
	case TPAKE_EENVELOPE:
		return "server envelope does not open";
	case TPAKE_EMAC:
		return "server MAC does not verify";
	case TPAKE_EDERIVE:
		return "key derivation produced an unusable value";
	case TPAKE_EREPLAY:
		return "password change repeats the current record";
	default:
		return "unknown error";
	}
}
