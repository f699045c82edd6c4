/* libFuzzer target: the login messages a peer controls. The input is split
 * into a KE1 for a fixed 2-of-3 server and a KE2 + extension for a fixed
 * client; neither may crash, a forged answer must never log in, and the
 * honest server must never be named, with or without pinned keys. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lk_common.h"
#include "tpake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
	struct tpake_server_key key[3];
	struct tpake_element pks[3];
	struct tpake_user user[3];
	struct tpake_client_login cl;
	uint8_t ke1[TPAKE_KE1_BYTES];
	uint8_t ke2[TPAKE_KE2_BYTES];
	uint8_t ext[TPAKE_EXT_BYTES(2)];
} fx;

static const struct tpake_bytes uid = { (const uint8_t *) "fuzz", 4 };

static void
setup(void)
{
	struct tpake_deal_params p;
	struct tpake_element pks[3];
	struct tpake_server_login sl;
	struct tpake_idents ids;
	uint8_t up[3 * TPAKE_UPLOAD_BYTES(2)], ek[64];
	size_t per = TPAKE_UPLOAD_BYTES(2), extlen = sizeof(fx.ext);
	uint8_t i;

	if (lk_init() != 0)
		abort();
	memset(&p, 0, sizeof(p));
	memset(&ids, 0, sizeof(ids));
	for (i = 0; i < 3; i++) {
		if (tpake_server_key_generate(&fx.key[i], NULL) != 0)
			abort();
		pks[i] = fx.pks[i] = fx.key[i].pk;
	}
	p.t = 2;
	p.n = 3;
	p.server_pk = pks;
	p.ksf = (struct tpake_ksf) { TPAKE_KSF_IDENTITY, 0, 0 };
	if (tpake_client_register_deal(
	        up, sizeof(up), ek, NULL, &p, (const uint8_t *) "pw", 2, NULL)
	    != 0)
		abort();
	for (i = 0; i < 3; i++)
		if (tpake_server_register_accept(
		        &fx.user[i], NULL, up + per * i, per, i + 1, 2, 3)
		    != 0)
			abort();
	if (tpake_client_login_start(
	        &fx.cl, fx.ke1, (const uint8_t *) "pw", 2, NULL)
	    != 0)
		abort();
	if (tpake_server_login_start(&sl, fx.ke2, fx.ext, &extlen, &fx.key[0],
	        &fx.user[0], uid, fx.ke1, &ids, NULL)
	    != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	struct tpake_server_login sl;
	struct tpake_client_login cl;
	struct tpake_client_result res;
	struct tpake_blame bl;
	struct tpake_login_params lp;
	struct tpake_reply rep[2];
	struct tpake_idents ids;
	uint8_t ke1[TPAKE_KE1_BYTES], ke2[TPAKE_KE2_BYTES];
	uint8_t ext[TPAKE_EXT_BYTES(2)];
	size_t extlen = sizeof(ext), n, k;
	int pin;

	if (!init) {
		setup();
		init = 1;
	}
	memset(&ids, 0, sizeof(ids));
	/* Server side: a fuzzed KE1 (padded with the real one). */
	memcpy(ke1, fx.ke1, sizeof(ke1));
	memcpy(ke1, data, size < sizeof(ke1) ? size : sizeof(ke1));
	if (tpake_server_login_start(&sl, ke2, ext, &extlen, &fx.key[1],
	        &fx.user[1], uid, ke1, &ids, NULL)
	    == 0)
		tpake_server_login_clear(&sl);

	/* Client side: server 1's honest answer and a fuzzed one as server
	 * 2 (fuzz bytes overlaid on a copy of server 1's answer). */
	memcpy(ke2, fx.ke2, sizeof(ke2));
	memcpy(ext, fx.ext, sizeof(ext));
	n = size < sizeof(ke2) ? size : sizeof(ke2);
	memcpy(ke2, data, n);
	if (size > n)
		memcpy(ext, data + n,
		    size - n < sizeof(ext) ? size - n : sizeof(ext));
	memset(&lp, 0, sizeof(lp));
	lp.t = 2;
	lp.n = 3;
	lp.user_id = uid;
	lp.ksf = (struct tpake_ksf) { TPAKE_KSF_IDENTITY, 0, 0 };
	rep[0] = (struct tpake_reply) { 1, fx.ke2, fx.ext, sizeof(fx.ext),
		{ NULL, 0 } };
	rep[1] = (struct tpake_reply) { 2, ke2, ext,
		size > sizeof(ke2) + sizeof(ext) ? sizeof(ext) - 1
		                                 : sizeof(ext),
		{ NULL, 0 } };
	for (pin = 0; pin < 2; pin++) {
		lp.server_pk = pin ? fx.pks : NULL;
		cl = fx.cl;
		/* Server 2's real partial never came: success would be a
		 * forgery. */
		if (tpake_client_login_finish(&cl, &res, &bl, &lp, rep, 2) == 0)
			abort();
		for (k = 0; k < bl.count; k++)
			if (bl.index[k] == 1)
				abort();
	}
	return 0;
}
