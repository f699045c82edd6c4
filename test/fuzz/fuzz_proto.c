/* libFuzzer target for proto/: the frame parser and every schema decoder.
 * Besides not crashing, a decoded body must re-encode to exactly the input
 * bytes (the codec has one encoding per message), and its exact size must
 * match. */
#include <stdlib.h>
#include <string.h>

#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t out[PROTO_HDR_BYTES + PROTO_MAX_BODY];

static void
check_schema(const struct proto_schema *s, const uint8_t *body, size_t len)
{
	void *msg = malloc(s->struct_size);
	struct proto_wbuf w;
	size_t n;

	if (msg == NULL)
		return;
	if (proto_msg_decode(s, msg, body, len) == 0) {
		proto_wbuf_init(&w, out, sizeof(out));
		if (proto_msg_encode(&w, s, msg) != 0
		    || proto_wbuf_finish(&w, &n) != 0 || n != len
		    || memcmp(out, body, len) != 0
		    || proto_msg_size(s, msg) != len)
			abort();
	}
	free(msg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_hdr h;
	const uint8_t *body;
	const struct proto_schema *s;
	size_t i;

	if (proto_frame_parse(&h, &body, data, size, PROTO_MAX_BODY) == 0) {
		if ((s = proto_schema_for_type(h.type)) != NULL)
			check_schema(s, body, h.len);
		return 0;
	}
	/* Not a frame: feed the bytes to every schema as a body, selected by
	 * the first byte so the fuzzer can steer. */
	if (size == 0)
		return 0;
	for (i = 0; proto_all_schemas[i] != NULL; i++)
		;
	check_schema(proto_all_schemas[data[0] % i], data + 1, size - 1);
	return 0;
}
