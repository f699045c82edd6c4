/* libFuzzer target: tpake's strict decoders of stored users and
 * registration uploads. Anything accepted must re-encode to the same bytes
 * and pass the Feldman check only if it is consistent. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lk_common.h"
#include "tpake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	struct tpake_user u, v;
	uint8_t enc[TPAKE_USER_MAX_BYTES];
	size_t len = sizeof(enc);

	if (!init) {
		if (lk_init() != 0)
			abort();
		init = 1;
	}
	if (tpake_user_decode(&u, data, size) == 0) {
		if (tpake_user_encode(enc, &len, &u) != 0 || len != size
		    || memcmp(enc, data, size) != 0)
			abort();
		if (tpake_user_decode(&v, enc, len) != 0)
			abort();
	}
	if (size >= 7)
		(void) tpake_server_register_accept(
		    &u, NULL, data, size, data[6], data[4], data[5]);
	return 0;
}
