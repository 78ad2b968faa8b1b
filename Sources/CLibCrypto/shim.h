#ifndef SERVER_DASHBOARD_CLIBCRYPTO_SHIM_H
#define SERVER_DASHBOARD_CLIBCRYPTO_SHIM_H

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

/// HMAC-SHA256 of `data` under `key` into `out` (32 bytes); returns 1 on success.
static inline int shim_hmac_sha256(const void *key, int keyLength, const unsigned char *data, size_t dataLength, unsigned char *out) {
    unsigned int outLength = 0;
    return HMAC(EVP_sha256(), key, keyLength, data, dataLength, out, &outLength) != NULL && outLength == 32;
}

/// SHA-256 of `data` into `out` (32 bytes).
static inline void shim_sha256(const unsigned char *data, size_t dataLength, unsigned char *out) {
    SHA256(data, dataLength, out);
}

#endif
