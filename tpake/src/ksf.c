/* Key stretching (RFC 9807 section 4.3 / 5.2): rwd = Extract("", y ||
 * Stretch(y)), with Stretch the identity (test vectors) or Argon2id through
 * libsodium's crypto_pwhash with 16 zero bytes of salt and 64 bytes of
 * output, as @serenity-kit/opaque's argon2id KSF with parallelism 1. */
#include <string.h>

#include <sodium.h>

#include "tpake_int.h"

int
tpake_ksf_rwd(uint8_t rwd[64], const uint8_t y[64], const struct tpake_ksf *ksf)
{
	static const uint8_t salt[crypto_pwhash_SALTBYTES];
	uint8_t ikm[128];
	int rv = 0;

	memcpy(ikm, y, 64);
	switch (ksf->alg) {
	case TPAKE_KSF_IDENTITY:
		memcpy(ikm + 64, y, 64);
		break;
	case TPAKE_KSF_ARGON2ID:
		if (ksf->opslimit < crypto_pwhash_OPSLIMIT_MIN
		    || ksf->opslimit > crypto_pwhash_OPSLIMIT_MAX
		    || ksf->memlimit < crypto_pwhash_MEMLIMIT_MIN
		    || ksf->memlimit > crypto_pwhash_MEMLIMIT_MAX) {
			rv = TPAKE_EKSF;
			goto out;
		}
		if (crypto_pwhash(ikm + 64, 64, (const char *) y, 64, salt,
		        ksf->opslimit, ksf->memlimit,
		        crypto_pwhash_ALG_ARGON2ID13)
		    != 0) {
			rv = TPAKE_EKSF;
			goto out;
		}
		break;
	default:
		rv = TPAKE_EKSF;
		goto out;
	}
	lk_hkdf512_extract(rwd, NULL, 0, ikm, sizeof(ikm));
out:
	lk_wipe(ikm, sizeof(ikm));
	return rv;
}
