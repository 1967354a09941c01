#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H
// One-line wrappers for OpenSSL macros that Swift cannot import. No logic here.
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/evp.h>

static inline long copenssl_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) { return SSL_CTX_set_min_proto_version(ctx, version); }
static inline long copenssl_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_mode(ctx, mode); }
static inline uint64_t copenssl_SSL_CTX_set_options(SSL_CTX *ctx, uint64_t options) { return SSL_CTX_set_options(ctx, options); }
static inline long copenssl_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_session_cache_mode(ctx, mode); }
static inline long copenssl_SSL_CTX_set_ecdh_auto(SSL_CTX *ctx) { (void)ctx; return 1; }
static inline int copenssl_BIO_get_mem_data(BIO *bio, char **pointer) { return (int)BIO_get_mem_data(bio, pointer); }
static inline uint64_t copenssl_SSL_OP_NO_COMPRESSION(void) { return SSL_OP_NO_COMPRESSION; }
static inline uint64_t copenssl_SSL_OP_NO_RENEGOTIATION(void) { return SSL_OP_NO_RENEGOTIATION; }
static inline uint64_t copenssl_SSL_OP_CIPHER_SERVER_PREFERENCE(void) { return SSL_OP_CIPHER_SERVER_PREFERENCE; }
static inline long copenssl_TLS1_2_VERSION(void) { return TLS1_2_VERSION; }
static inline void copenssl_X509_free(X509 *x) { X509_free(x); }
#endif
