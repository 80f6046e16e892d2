/*
 * protocol/tls.c: a node's TLS identity.  See tls.h.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "protocol/log.h"
#include "protocol/pemfile.h"
#include "protocol/tls.h"

/*
 * Add to crt a subjectAltName naming host: an iPAddress when host is an
 * IPv4 or IPv6 address, else a dNSName.  0, or -1 (the OpenSSL error
 * queue holds why).
 */
static int
tls_add_san(X509 *crt, const char *host)
{
	GENERAL_NAMES	*names = NULL;
	GENERAL_NAME	*gn = NULL;
	ASN1_OCTET_STRING *ip = NULL;
	ASN1_IA5STRING	*dns = NULL;
	int		 rc = -1;

	if ((names = GENERAL_NAMES_new()) == NULL ||
	    (gn = GENERAL_NAME_new()) == NULL)
		goto out;
	if ((ip = a2i_IPADDRESS(host)) != NULL) {
		GENERAL_NAME_set0_value(gn, GEN_IPADD, ip);
		ip = NULL;
	} else {
		ERR_clear_error();	/* not an address: a name */
		if ((dns = ASN1_IA5STRING_new()) == NULL ||
		    ASN1_STRING_set(dns, host, -1) != 1)
			goto out;
		GENERAL_NAME_set0_value(gn, GEN_DNS, dns);
		dns = NULL;
	}
	if (sk_GENERAL_NAME_push(names, gn) == 0)
		goto out;
	gn = NULL;
	if (X509_add1_ext_i2d(crt, NID_subject_alt_name, names, 0,
	    X509V3_ADD_DEFAULT) != 1)
		goto out;
	rc = 0;
out:
	ASN1_OCTET_STRING_free(ip);
	ASN1_IA5STRING_free(dns);
	GENERAL_NAME_free(gn);
	GENERAL_NAMES_free(names);
	return (rc);
}

int
tls_identity_create(const char *keypath, const char *certpath, const char *cn,
    const char *host, int days)
{
	EVP_PKEY	*key = NULL;
	X509		*crt = NULL;
	X509_NAME	*name;
	BIGNUM		*serial = NULL;
	int		 rc = -1;

	if ((key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL) {
		log_ssl("generate TLS key");
		goto out;
	}
	if ((crt = X509_new()) == NULL || (serial = BN_new()) == NULL ||
	    X509_set_version(crt, 2) != 1 ||
	    BN_rand(serial, 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
	    BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(crt)) == NULL ||
	    X509_gmtime_adj(X509_getm_notBefore(crt), -3600) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(crt),
	    (long)days * 86400) == NULL ||
	    X509_set_pubkey(crt, key) != 1 ||
	    (name = X509_get_subject_name(crt)) == NULL ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0) != 1 ||
	    X509_set_issuer_name(crt, name) != 1 ||
	    (host != NULL && tls_add_san(crt, host) == -1) ||
	    X509_sign(crt, key, EVP_sha256()) == 0) {
		log_ssl("make TLS certificate");
		goto out;
	}
	if (pemfile_write(keypath, 0600, key, NULL) == -1)
		goto out;
	if (pemfile_write(certpath, 0644, NULL, crt) == -1) {
		unlink(keypath);
		goto out;
	}
	rc = 0;
out:
	BN_free(serial);
	X509_free(crt);
	EVP_PKEY_free(key);
	return (rc);
}

int
tls_pin_x509(void *crt, char out[TLS_PIN_LEN + 1])
{
	unsigned char	*der = NULL, md[SHA256_DIGEST_LENGTH];
	int		 len, rc = -1;

	if ((len = i2d_PUBKEY(X509_get0_pubkey(crt), &der)) <= 0)
		return (-1);
	SHA256(der, (size_t)len, md);
	memcpy(out, "sha256//", 8);
	if (EVP_EncodeBlock((unsigned char *)out + 8, md, sizeof(md)) == 44)
		rc = 0;
	OPENSSL_free(der);
	return (rc);
}

/* The PEM certificate at path, the caller's to free; NULL (logged). */
static X509 *
crt_read(const char *path)
{
	FILE	*f;
	X509	*crt;

	if ((f = fopen(path, "re")) == NULL) {
		log_warn("TLS certificate %s", path);
		return (NULL);
	}
	crt = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (crt == NULL)
		log_ssl("TLS certificate %s", path);
	return (crt);
}

int
tls_pin_file(const char *certpath, char out[TLS_PIN_LEN + 1])
{
	X509	*crt;
	int	 rc;

	if ((crt = crt_read(certpath)) == NULL)
		return (-1);
	if ((rc = tls_pin_x509(crt, out)) == -1)
		log_ssl("TLS certificate %s: public key", certpath);
	X509_free(crt);
	return (rc);
}

int
tls_identity_load(const char *keypath, const char *certpath,
    struct tls_identity *id)
{
	FILE		*f;
	X509		*crt;
	EVP_PKEY	*key;

	memset(id, 0, sizeof(*id));
	if ((f = pemfile_open_private(keypath, "TLS key")) == NULL)
		return (-1);
	key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (key == NULL) {
		log_ssl("TLS key %s", keypath);
		return (-1);
	}
	if ((crt = crt_read(certpath)) == NULL) {
		EVP_PKEY_free(key);
		return (-1);
	}
	if (X509_check_private_key(crt, key) != 1) {
		log_ssl("TLS certificate %s is not the one of the key %s",
		    certpath, keypath);
		X509_free(crt);
		EVP_PKEY_free(key);
		return (-1);
	}
	id->crt = crt;
	id->key = key;
	return (0);
}

int
tls_identity_use(const struct tls_identity *id, void *ssl_ctx)
{
	if (id->crt == NULL || id->key == NULL ||
	    SSL_CTX_use_certificate(ssl_ctx, id->crt) != 1 ||
	    SSL_CTX_use_PrivateKey(ssl_ctx, id->key) != 1) {
		ERR_clear_error();
		return (-1);
	}
	return (0);
}

void
tls_identity_free(struct tls_identity *id)
{
	X509_free(id->crt);
	EVP_PKEY_free(id->key);
	memset(id, 0, sizeof(*id));
}
