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
	case MPC_EABORT:
		return "protocol aborted (see blame)";
	case MPC_EDUP:
		return "duplicate message";
	case MPC_EAUTH:
		return "message signature invalid";
	case MPC_ESESSION:
		return "message of another session or receiver";
	case MPC_ESTATE:
		return "not valid in this state";
	case MPC_EUSED:
		return "presignature already used";
	case MPC_EEPOCH:
		return "wrong key or epoch";
	case MPC_ESIG:
		return "signature does not verify";
	case MPC_EDERIVE:
		return "invalid derivation";
	case MPC_ERECON:
		return "shares do not reconstruct the key";
	default:
		return "unknown error";
	}
}
