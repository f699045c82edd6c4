/* mpc_strerror and the compiled-in security level. */
#include "mpc_int.h"

const struct mpc_seclevel mpc_seclevel_default = {
	.paillier_bits = MPC_PAILLIER_BITS,
	.n_min_bits = MPC_N_MIN_BITS,
	.n_max_bits = MPC_N_MAX_BITS,
	.ell = MPC_ELL,
	.ell_prime = MPC_ELL_PRIME,
	.eps = MPC_EPS,
	.chal_bits = MPC_CHAL_BITS,
	.m_prm = MPC_M_PRM,
	.m_mod = MPC_M_MOD,
	.ell_wide = MPC_ELL_WIDE,
};

const char *
mpc_strerror(int code)
{
	switch (code) {
	case MPC_OK:
		return "success";
	case MPC_EINVAL:
		return "invalid argument";
	case MPC_ENOMEM:
		return "out of memory";
	case MPC_EDECODE:
		return "malformed encoding";
	case MPC_ERANGE:
		return "integer out of range";
	case MPC_EPOINT:
		return "invalid curve point";
	case MPC_ESCALAR:
		return "invalid scalar";
	case MPC_ENOTUNIT:
		return "value is not a unit modulo N";
	case MPC_EMODULUS:
		return "modulus rejected";
	case MPC_EPROOF:
		return "zero-knowledge proof failed";
	case MPC_ECOUNT:
		return "wrong number of items";
	case MPC_EPRIME:
		return "prime generation failed";
	case MPC_EEMPTY:
		return "prime pool empty";
	case MPC_ECRYPTO:
		return "crypto library failure";
	case MPC_EPARAMS:
		return "invalid parameters";
	case MPC_ESPACE:
		return "output buffer too small";
	case MPC_EMISMATCH:
		return "objects do not belong together";
	case MPC_EFULL:
		return "prime pool full";
	default:
		return "unknown error";
	}
}
