#ifndef SERVER_DASHBOARD_CLIBCURL_SHIM_H
#define SERVER_DASHBOARD_CLIBCURL_SHIM_H

#include <curl/curl.h>

/*
 * curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call.
 * Each wrapper below passes exactly one argument of one type, so the option and the
 * type always agree where Swift calls them.
 */

/// curl_global_init with the default flags (SSL); not thread-safe: call it once.
static inline CURLcode shim_curl_global_init(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

/// An option that takes a long (flags, numbers, enum values).
static inline CURLcode shim_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

/// An option that takes a C string (libcurl copies it) or NULL.
static inline CURLcode shim_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

/// An option that takes a pointer: a curl_slist, a buffer, callback data.
static inline CURLcode shim_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

/// An option that takes a curl_off_t (sizes of uploads and bodies).
static inline CURLcode shim_curl_easy_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/// The type of CURLOPT_WRITEFUNCTION and CURLOPT_READFUNCTION.
typedef size_t (*shim_curl_data_callback)(char *buffer, size_t size, size_t count, void *userdata);

/// CURLOPT_WRITEFUNCTION or CURLOPT_READFUNCTION.
static inline CURLcode shim_curl_easy_setopt_callback(CURL *handle, CURLoption option, shim_curl_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

/// An information item that is a long (CURLINFO_RESPONSE_CODE).
static inline CURLcode shim_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
