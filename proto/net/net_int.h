/* Internal declarations shared by the proto/net files. */
#ifndef PROTO_NET_INT_H
#define PROTO_NET_INT_H

#include "proto_net.h"

void proto_evq_push(struct proto_evq *q, const struct proto_ev *ev);

#endif
