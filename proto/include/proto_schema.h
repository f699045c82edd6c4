/* Schema-driven message codec.
 *
 * A message is described once, as an X-macro list of fields:
 *
 *   #define PROTO_MSG_health_req(F, M) \
 *           F(M, U8, detail, 0, 1)
 *
 * Each entry is F(M, KIND, name, a, b) with
 *   U8/U16/U32/U64   a = minimum, b = maximum (checked on decode and encode)
 *   FIXED            a = exact length in bytes           -> uint8_t name[a]
 *   BYTES            a = minimum, b = maximum length     -> struct proto_bytes
 *   STR              a = minimum, b = maximum length; printable UTF-8, no NUL
 *   LIST             a = element message, b = maximum count
 *                                    -> struct proto_msg_<a> name[b]; name_n
 * PROTO_STRUCT(name) declares `struct proto_msg_<name>` from the list and
 * PROTO_SCHEMA(name, type) defines `proto_schema_<name>` (a field table with
 * offsets), so encode, decode and validate all come from that description.
 *
 * Wire encoding of a message body: the fields in order; integers big-endian
 * in their width; FIXED raw; BYTES and STR as u32 length + bytes; LIST as u16
 * count + elements. Nothing else: no tags, no padding, no trailing bytes.
 * Decoded BYTES/STR point into the input buffer (borrowed). */
#ifndef PROTO_SCHEMA_H
#define PROTO_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "proto_buf.h"

struct proto_bytes {
	const uint8_t *p;
	size_t len;
};

enum proto_ftype {
	PROTO_FT_U8 = 1,
	PROTO_FT_U16,
	PROTO_FT_U32,
	PROTO_FT_U64,
	PROTO_FT_FIXED,
	PROTO_FT_BYTES,
	PROTO_FT_STR,
	PROTO_FT_LIST
};

struct proto_schema;

struct proto_field {
	const char *name;
	enum proto_ftype type;
	size_t offset; /* of the member in the C struct */
	size_t size; /* FIXED: length; LIST: element struct size */
	uint64_t min, max; /* integer range, length or count bounds */
	const struct proto_schema *elem; /* LIST element schema */
	size_t count_offset; /* LIST: offset of the uint16_t _n */
};

struct proto_schema {
	const char *name;
	uint16_t type; /* frame type, 0 for list elements */
	const struct proto_field *fields;
	size_t nfields;
	size_t struct_size;
};

/* Member declarations. */
#define PROTO_M_U8(name, a, b)    uint8_t name;
#define PROTO_M_U16(name, a, b)   uint16_t name;
#define PROTO_M_U32(name, a, b)   uint32_t name;
#define PROTO_M_U64(name, a, b)   uint64_t name;
#define PROTO_M_FIXED(name, a, b) uint8_t name[a];
#define PROTO_M_BYTES(name, a, b) struct proto_bytes name;
#define PROTO_M_STR(name, a, b)   struct proto_bytes name;
#define PROTO_M_LIST(name, a, b)      \
	struct proto_msg_##a name[b]; \
	uint16_t name##_n;
#define PROTO_MEMBER(M, kind, name, a, b) PROTO_M_##kind(name, a, b)

/* Field-table entries. */
#define PROTO_FLD_INT(T, ft, name, a, b) \
	{ #name, ft, offsetof(T, name), 0, (a), (b), NULL, 0 },
#define PROTO_F_U8(T, name, a, b)  PROTO_FLD_INT(T, PROTO_FT_U8, name, a, b)
#define PROTO_F_U16(T, name, a, b) PROTO_FLD_INT(T, PROTO_FT_U16, name, a, b)
#define PROTO_F_U32(T, name, a, b) PROTO_FLD_INT(T, PROTO_FT_U32, name, a, b)
#define PROTO_F_U64(T, name, a, b) PROTO_FLD_INT(T, PROTO_FT_U64, name, a, b)
#define PROTO_F_FIXED(T, name, a, b) \
	{ #name, PROTO_FT_FIXED, offsetof(T, name), (a), 0, 0, NULL, 0 },
#define PROTO_F_BYTES(T, name, a, b) \
	{ #name, PROTO_FT_BYTES, offsetof(T, name), 0, (a), (b), NULL, 0 },
#define PROTO_F_STR(T, name, a, b) \
	{ #name, PROTO_FT_STR, offsetof(T, name), 0, (a), (b), NULL, 0 },
#define PROTO_F_LIST(T, name, a, b)                                      \
	{ #name, PROTO_FT_LIST, offsetof(T, name),                       \
		sizeof(struct proto_msg_##a), 0, (b), &proto_schema_##a, \
		offsetof(T, name##_n) },
#define PROTO_FIELD(M, kind, name, a, b) \
	PROTO_F_##kind(struct proto_msg_##M, name, a, b)

#define PROTO_STRUCT(name)                           \
	struct proto_msg_##name {                    \
		PROTO_MSG_##name(PROTO_MEMBER, name) \
	};                                           \
	extern const struct proto_schema proto_schema_##name;

#define PROTO_SCHEMA(name, typ)                                               \
	static const struct proto_field proto_fields_##name[]                 \
	    = { PROTO_MSG_##name(PROTO_FIELD, name) };                        \
	const struct proto_schema proto_schema_##name = { #name, (typ),       \
		proto_fields_##name,                                          \
		sizeof(proto_fields_##name) / sizeof(proto_fields_##name[0]), \
		sizeof(struct proto_msg_##name) };

/* proto_msg_decode parses exactly len bytes into msg (a struct of the
 * schema's type, zeroed first). Borrowed fields point into buf.
 * Returns 0, or PROTO_ESHORT / PROTO_ETRAILING / PROTO_ETOOBIG /
 * PROTO_ERANGE / PROTO_ENONCANON (invalid UTF-8 in STR); msg is zeroed on
 * failure. */
int proto_msg_decode(
    const struct proto_schema *s, void *msg, const uint8_t *buf, size_t len);

/* proto_msg_validate checks every bound of the description on a struct the
 * caller filled in. Returns 0 or the code decode would have returned. */
int proto_msg_validate(const struct proto_schema *s, const void *msg);

/* proto_msg_encode validates msg and writes its body to w. Returns 0 or a
 * PROTO_E* code (the writer's error latches as well). */
int proto_msg_encode(
    struct proto_wbuf *w, const struct proto_schema *s, const void *msg);

/* The largest body the schema can produce: the maximum of every field. */
size_t proto_msg_max_size(const struct proto_schema *s);

/* The exact encoded size of msg (meaningful once it validates). */
size_t proto_msg_size(const struct proto_schema *s, const void *msg);

#endif
