/* Schemas of proto_ops.h (registered in frame.c's table). */
#include "proto_ops.h"

#define PROTO_OPS_DEFINE(name, typ) PROTO_SCHEMA(name, typ)
PROTO_OPS_MESSAGES(PROTO_OPS_DEFINE)
#undef PROTO_OPS_DEFINE
