/* TLS configurations for nng (mbedTLS underneath). Files are read here so
 * that a missing or unreadable file is reported by name before any socket
 * exists. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lk_common.h"
#include "net_int.h"
#include "proto_err.h"

static char *
read_pem(const char *path, char *err, size_t errcap)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (f == NULL) {
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || n > 1024 * 1024
	    || fseek(f, 0, SEEK_SET) != 0) {
		snprintf(err, errcap, "%s: not a readable PEM file", path);
		goto out;
	}
	if ((buf = malloc((size_t) n + 1)) == NULL
	    || fread(buf, 1, (size_t) n, f) != (size_t) n) {
		snprintf(err, errcap, "%s: read failed", path);
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[n] = '\0';
	if (strstr(buf, "-----BEGIN ") == NULL) {
		snprintf(err, errcap, "%s: no PEM data", path);
		lk_free_wipe(buf, (size_t) n);
		buf = NULL;
	}
out:
	fclose(f);
	return buf;
}

static int
own_cert(nng_tls_config *c, const char *cert_path, const char *key_path,
    char *err, size_t errcap)
{
	char *cert = read_pem(cert_path, err, errcap), *key = NULL;
	int rv = PROTO_EINVAL;

	if (cert == NULL || (key = read_pem(key_path, err, errcap)) == NULL)
		goto out;
	if (nng_tls_config_own_cert(c, cert, key, NULL) != 0) {
		snprintf(err, errcap, "%s / %s: certificate and key rejected",
		    cert_path, key_path);
		goto out;
	}
	rv = 0;
out:
	free(cert);
	if (key != NULL)
		lk_free_wipe(key, strlen(key));
	return rv;
}

/* Trusts the certificates in path, plus those in also (may be NULL), as
 * the only anchors: one chain call, as the engine replaces rather than
 * extends the list on some versions. */
static int
trust(nng_tls_config *c, const char *path, const char *also, char *err,
    size_t errcap)
{
	char *pem = read_pem(path, err, errcap), *pem2 = NULL, *both = NULL;
	int rv = PROTO_EINVAL;
	size_t n1, n2;

	if (pem == NULL)
		return PROTO_EINVAL;
	if (also != NULL) {
		if ((pem2 = read_pem(also, err, errcap)) == NULL)
			goto out;
		n1 = strlen(pem);
		n2 = strlen(pem2);
		if ((both = malloc(n1 + n2 + 2)) == NULL)
			goto out;
		memcpy(both, pem, n1);
		both[n1] = '\n';
		memcpy(both + n1 + 1, pem2, n2 + 1);
	}
	if (nng_tls_config_ca_chain(c, both != NULL ? both : pem, NULL) != 0) {
		snprintf(err, errcap, "%s: certificate(s) rejected", path);
		goto out;
	}
	rv = 0;
out:
	free(pem);
	free(pem2);
	free(both);
	return rv;
}

int
proto_tls_server(nng_tls_config **out, const char *cert_path,
    const char *key_path, const char *pinned_pem_path, int pin_self, char *err,
    size_t errcap)
{
	nng_tls_config *c = NULL;
	int rv;

	*out = NULL;
	if (nng_tls_config_alloc(&c, NNG_TLS_MODE_SERVER) != 0) {
		snprintf(err, errcap, "TLS unavailable");
		return PROTO_ETRANSPORT;
	}
	nng_tls_config_version(c, NNG_TLS_1_2, NNG_TLS_1_2);
	if ((rv = own_cert(c, cert_path, key_path, err, errcap)) != 0)
		goto fail;
	if (pinned_pem_path != NULL) {
		if ((rv = trust(c, pinned_pem_path, pin_self ? cert_path : NULL,
		         err, errcap))
		    != 0)
			goto fail;
		nng_tls_config_auth_mode(c, NNG_TLS_AUTH_MODE_REQUIRED);
	} else
		nng_tls_config_auth_mode(c, NNG_TLS_AUTH_MODE_NONE);
	*out = c;
	return 0;
fail:
	nng_tls_config_free(c);
	return rv;
}

int
proto_tls_client(nng_tls_config **out, const char *trust_pem_path,
    const char *server_name, const char *cert_path, const char *key_path,
    char *err, size_t errcap)
{
	nng_tls_config *c = NULL;
	int rv;

	*out = NULL;
	if (nng_tls_config_alloc(&c, NNG_TLS_MODE_CLIENT) != 0) {
		snprintf(err, errcap, "TLS unavailable");
		return PROTO_ETRANSPORT;
	}
	nng_tls_config_version(c, NNG_TLS_1_2, NNG_TLS_1_2);
	if (trust_pem_path == NULL)
		nng_tls_config_auth_mode(c, NNG_TLS_AUTH_MODE_NONE);
	else {
		if ((rv = trust(c, trust_pem_path, NULL, err, errcap)) != 0)
			goto fail;
		nng_tls_config_auth_mode(c, NNG_TLS_AUTH_MODE_REQUIRED);
	}
	if (server_name != NULL
	    && nng_tls_config_server_name(c, server_name) != 0) {
		snprintf(err, errcap, "bad server name '%s'", server_name);
		rv = PROTO_EINVAL;
		goto fail;
	}
	if (cert_path != NULL
	    && (rv = own_cert(c, cert_path, key_path, err, errcap)) != 0)
		goto fail;
	*out = c;
	return 0;
fail:
	nng_tls_config_free(c);
	return rv;
}
