/* libFuzzer target for every consensus decoder: messages, commands,
 * results and state-machine snapshots. Whatever decodes must re-encode to
 * the same bytes (canonical encodings). */
#include <stdlib.h>
#include <string.h>

#include "cons.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[CONS_MSG_MAX];
	struct cons_entry ents[CONS_MSG_ENTRIES];
	struct cons_msg m;
	struct cons_cmd c;
	struct cons_result r;
	struct cons_sm *sm;
	static const struct cons_sm_params p = { 3, 10, 1, 100, 16 };
	size_t len;

	if (size < 1)
		return 0;
	switch (data[0] % 4) {
	case 0:
		if (cons_msg_decode(
		        &m, ents, CONS_MSG_ENTRIES, 9, data + 1, size - 1)
		    == 0) {
			if (cons_msg_encode(out, sizeof(out), &len, &m) != 0
			    || len != size - 1
			    || memcmp(out, data + 1, len) != 0)
				abort();
		}
		break;
	case 1:
		if (cons_cmd_decode(&c, data + 1, size - 1) == 0) {
			if (cons_cmd_encode(out, sizeof(out), &len, &c) != 0
			    || len != size - 1
			    || memcmp(out, data + 1, len) != 0)
				abort();
		}
		break;
	case 2:
		if (cons_result_decode(&r, data + 1, size - 1) == 0) {
			if (cons_result_encode(out, sizeof(out), &len, &r) != 0
			    || len != size - 1
			    || memcmp(out, data + 1, len) != 0)
				abort();
		}
		break;
	default:
		if (cons_sm_new(&sm, &p) != 0)
			return 0;
		if (cons_sm_restore(sm, data + 1, size - 1) == 0) {
			uint8_t *buf;
			size_t cap;
			if (cons_sm_snapshot(sm, NULL, 0, &cap) != 0
			    || (buf = malloc(cap)) == NULL)
				abort();
			if (cons_sm_snapshot(sm, buf, cap, &len) != 0
			    || len != size - 1
			    || memcmp(buf, data + 1, len) != 0)
				abort();
			free(buf);
		}
		cons_sm_free(sm);
		break;
	}
	return 0;
}
